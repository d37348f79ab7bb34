package org.casebridge.replies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.support.SynchronizationAdapter;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Direction;
import org.casebridge.cases.Priority;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.shared.RejectedRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outbound messages of cases, in {@code cb_message} beside the inbound ones, with their delivery status
 * (queued, sent, failed); and what a reply needs to know about its case.
 * <p>
 * An outbound message is stored before it is sent, under the reply's id, so a reply redelivered after a crash finds
 * its message again: one that went out is not sent twice, one that did not is sent with the same Message-ID.
 */
@Component("outboundMessages")
public class OutboundMessages {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundMessages.class);

    /** delivery_state of an outbound message not yet sent: not shown on the case (see V3__outbound.sql). */
    static final String UNSENT = "unsent";
    /** delivery_state of a message shown on the case. */
    static final String PUBLISHED = "published";
    static final String QUEUED = "queued";
    static final String SENT = "sent";
    static final String FAILED = "failed";

    private static final int MAX_DETAIL = 2000;
    private static final int MAX_EXTERNAL_ID = 998;

    /**
     * What a reply needs to know about its case: its channel, subject and priority, the first inbound message (the
     * customer), and the Message-ID and References of the latest email the customer wrote, if any.
     */
    record CaseFacts(String caseId, Channel channel, String subject, Priority priority, Case firstInbound,
                     String latestEmailId, List<String> latestEmailReferences) {
    }

    /** The reply id an Idempotency-Key stands for, and whether the key was seen before. */
    record ClaimedKey(String replyId, boolean repeated) {
    }

    private final JdbcTemplate jdbc;
    private final PendingReceipts receipts;
    private final TransactionTemplate tx;
    private final ObjectMapper mapper;
    private final CaseSchema schema;
    private final ThreadIndex threads;
    private final ApplicationEventPublisher events;
    private final Duration sendClaimTimeout;
    private final Clock clock;

    OutboundMessages(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper mapper, CaseSchema schema, ThreadIndex threads,
                     ApplicationEventPublisher events, PendingReceipts receipts,
                     @Value("${casebridge.replies.send-claim-timeout:2m}") Duration sendClaimTimeout,
                     Clock clock) {
        this.clock = clock;
        this.sendClaimTimeout = sendClaimTimeout;
        this.events = events;
        this.receipts = receipts;
        this.jdbc = jdbc;
        this.tx = tx;
        this.mapper = mapper;
        this.schema = schema;
        this.threads = threads;
    }

    /** The channel of case {@code caseId}, if the case exists. */
    Optional<Channel> caseChannel(String caseId) {
        return jdbc.queryForList("select channel from cb_case where case_id = ?", String.class, caseId).stream()
                .findFirst().map(Channel::fromWire);
    }

    /** What a reply to case {@code caseId} needs to know, if the case exists. */
    Optional<CaseFacts> caseFacts(String caseId) {
        List<Map<String, Object>> cases = jdbc.queryForList("select channel, subject, priority from cb_case where case_id = ?", caseId);
        if (cases.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = cases.get(0);
        Case firstInbound = jdbc.query("select payload from cb_message where case_id = ? and direction = 'inbound'"
                        + " order by received_at, message_id limit 1", (rs, n) -> read(rs.getString(1)), caseId)
                .stream().findFirst().orElse(null);
        // the customer's own latest mail, not an auto-reply or bounce: their mail client threads our answer under it
        List<Map<String, Object>> emails = jdbc.queryForList("select payload, external_id from cb_message where case_id = ?"
                + " and direction = 'inbound' and channel = 'email' and kind = 'message' order by received_at desc, message_id desc limit 1", caseId);
        String latestEmailId = null;
        List<String> latestReferences = List.of();
        if (!emails.isEmpty()) {
            Case latest = read(String.valueOf(emails.get(0).get("payload")));
            latestEmailId = latest.source() != null && latest.source().externalId() != null
                    ? latest.source().externalId() : (String) emails.get(0).get("external_id");
            latestReferences = latest.thread() == null || latest.thread().references() == null ? List.of() : latest.thread().references();
        }
        return Optional.of(new CaseFacts(caseId, Channel.fromWire((String) row.get("channel")), (String) row.get("subject"),
                Priority.valueOf((String) row.get("priority")), firstInbound, latestEmailId, latestReferences));
    }

    /**
     * Claims an API client's Idempotency-Key for a new reply, in the table the message API uses (so keys expire with
     * {@code casebridge.api.idempotency-key-retention}), or finds the reply it was claimed for. The same key with
     * another request is refused (422).
     */
    ClaimedKey claimIdempotencyKey(String clientId, String key, String requestHash, String caseId, String newReplyId) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            List<Map<String, Object>> rows = jdbc.queryForList(
                    "select request_sha256, message_id from cb_idempotency_key where client_id = ? and idempotency_key = ?", clientId, key);
            if (!rows.isEmpty()) {
                if (!requestHash.equals(rows.get(0).get("request_sha256"))) {
                    throw new RejectedRequestException(422, "idempotency-key-reused", "Idempotency-Key reused",
                            "The Idempotency-Key '" + key + "' was already used for a different request.");
                }
                return new ClaimedKey((String) rows.get(0).get("message_id"), true);
            }
            try {
                jdbc.update("insert into cb_idempotency_key (client_id, idempotency_key, request_sha256, case_id, message_id, created_at)"
                        + " values (?, ?, ?, ?, ?, ?)", clientId, key, requestHash, caseId, newReplyId, utc(clock.instant()));
                return new ClaimedKey(newReplyId, false);
            } catch (DuplicateKeyException raced) {
                // a concurrent retry with the same key claimed it first: read what it claimed
            }
        }
        throw new IllegalStateException("Idempotency-Key '" + key + "' of client " + clientId + " can be neither claimed nor read");
    }

    /** The delivery status of outbound message {@code messageId}, once the reply flow has stored it. */
    Optional<String> deliveryStatus(String messageId) {
        return jdbc.queryForList("select delivery_status from cb_message where message_id = ? and direction = 'outbound'",
                String.class, messageId).stream().findFirst();
    }

    /**
     * Route step: stores the outbound message (the validated Case JSON in the body) as queued, and its Message-ID for
     * threading, so the customer's answer joins the case. A redelivered reply finds its stored message instead: the
     * body becomes that message, and {@link ReplyHeaders#ALREADY_SENT} says whether it went out already. Whatever
     * ends the exchange without sending the reply marks it failed, with the reason.
     */
    public void record(Exchange exchange) throws InvalidPayloadException {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        Reply reply = exchange.getProperty(ReplyHeaders.REPLY_PROPERTY, Reply.class);
        String json = exchange.getMessage().getMandatoryBody(String.class);
        String claim = claimName(exchange);
        Instant now = clock.instant();
        try {
            tx.executeWithoutResult(status -> {
                jdbc.update("insert into cb_message (message_id, case_id, direction, kind, channel, received_at, external_id, raw_ref,"
                                + " delivery_state, payload, delivery_status, delivery_updated_at, author_name, reply_reference)"
                                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        value.messageId(), value.caseId(), Direction.OUTBOUND.wireName(), value.kind().wireName(), value.channel().wireName(),
                        utc(value.receivedAt()), truncate(value.source().externalId(), MAX_EXTERNAL_ID), value.source().rawRef(),
                        UNSENT, json, QUEUED, utc(now), reply == null || reply.author() == null ? null : reply.author().name(),
                        reply == null ? null : reply.reference());
                threads.recordRef(value.source().externalId(), value.caseId(), value.messageId(), Direction.OUTBOUND);
            });
            exchange.getMessage().setHeader(ReplyHeaders.ALREADY_SENT, false);
        } catch (DuplicateKeyException redelivered) {
            resume(exchange, value);
        }
        if (Boolean.TRUE.equals(exchange.getMessage().getHeader(ReplyHeaders.ALREADY_SENT))) {
            return;
        }
        if (!claimSend(value.messageId(), claim)) {
            // another copy of this reply (on this or another instance) is being sent right now: this one is not needed
            LOG.info("Reply {} to case {} is being sent by another copy; this copy is not sent", value.messageId(), value.caseId());
            exchange.getMessage().setHeader(ReplyHeaders.ALREADY_SENT, true);
            exchange.setProperty(ReplyHeaders.DELIVERED_PROPERTY, true);
            return;
        }
        String messageId = value.messageId();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (!done.getProperty(ReplyHeaders.DELIVERED_PROPERTY, false, Boolean.class)) {
                    Throwable cause = done.getException() != null ? done.getException()
                            : done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                    markFailed(messageId, value.caseId(), cause);
                    releaseClaim(messageId, claim);
                }
            }
        });
    }

    /**
     * Claims the send of outbound message {@code messageId} for the queue message {@code claim}, in one atomic
     * update: it succeeds when the message is not sent and no other copy holds a live claim (a redelivery of the
     * same queue message takes its own claim over: its earlier attempt died).
     */
    boolean claimSend(String messageId, String claim) {
        OffsetDateTime now = utc(clock.instant());
        return jdbc.update("update cb_message set send_claim = ?, send_claimed_at = ? where message_id = ? and direction = 'outbound'"
                        + " and delivery_status not in ('sent', 'delivered', 'read')"
                        + " and (send_claim is null or send_claim = ? or send_claimed_at < ?)",
                claim, now, messageId, claim, utc(clock.instant().minus(sendClaimTimeout))) == 1;
    }

    /** A failed send gives its claim up, so that any copy may try again. */
    private void releaseClaim(String messageId, String claim) {
        try {
            jdbc.update("update cb_message set send_claim = null, send_claimed_at = null where message_id = ? and send_claim = ?",
                    messageId, claim);
        } catch (RuntimeException e) {
            LOG.warn("Reply {}: its send claim cannot be released ({}); it expires after {}", messageId, e.getMessage(), sendClaimTimeout);
        }
    }

    /** Names the queue message this exchange carries: the same after a redelivery, another for every other copy. */
    private static String claimName(Exchange exchange) {
        String jmsId = exchange.getIn().getHeader("JMSMessageID", String.class);
        String name = jmsId != null ? jmsId : exchange.getIn().getMessageId();
        return truncate(name != null ? name : exchange.getExchangeId(), 200);
    }

    /** The reply was stored by an earlier delivery of the same queue message: carry on with what was stored. */
    private void resume(Exchange exchange, Case value) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select case_id, direction, delivery_status, payload from cb_message where message_id = ?", value.messageId());
        if (rows.isEmpty()) {
            throw new IllegalStateException("Outbound message " + value.messageId() + " clashed on insert but cannot be read back");
        }
        Map<String, Object> row = rows.get(0);
        if (!value.caseId().equals(row.get("case_id")) || !Direction.OUTBOUND.wireName().equals(row.get("direction"))) {
            throw new RejectedMessageException("reply-id-conflict", "Reply " + value.messageId() + " to case " + value.caseId()
                    + " has the id of another message (case " + row.get("case_id") + ", " + row.get("direction") + ")");
        }
        String stored = String.valueOf(row.get("payload"));
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, read(stored));
        exchange.getMessage().setBody(stored);
        if (List.of(SENT, "delivered", "read").contains(String.valueOf(row.get("delivery_status")))) {
            LOG.info("Reply {} to case {} was sent before; not sending it again", value.messageId(), value.caseId());
            exchange.getMessage().setHeader(ReplyHeaders.ALREADY_SENT, true);
            exchange.setProperty(ReplyHeaders.DELIVERED_PROPERTY, true);
        } else {
            jdbc.update("update cb_message set delivery_status = ?, delivery_detail = null, delivery_updated_at = ? where message_id = ?",
                    QUEUED, utc(clock.instant()), value.messageId());
            exchange.getMessage().setHeader(ReplyHeaders.ALREADY_SENT, false);
        }
    }

    /**
     * Route step after the channel took the reply: the outbound message is sent, with {@code sentAt} set, and from now
     * on shown on the case.
     */
    public void markSent(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        Instant sentAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String platformId = exchange.getMessage().getHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, String.class);
        org.casebridge.cases.Source source = platformId == null || platformId.isBlank() ? value.source()
                : new org.casebridge.cases.Source(value.source() == null ? "casebridge" : value.source().system(), platformId,
                value.source() == null ? null : value.source().rawRef());
        String json = schema.toValidatedJson(new Case(value.schemaVersion(), value.caseId(), value.messageId(), value.channel(),
                value.direction(), value.kind(), value.receivedAt(), sentAt, value.customer(), value.subject(), value.body(),
                value.attachments(), value.recipients(), value.thread(), source, value.priority(), value.category(),
                value.sla(), value.trust()));
        tx.executeWithoutResult(status -> {
            // a receipt may have moved the status on already (delivered, read): it stays
            jdbc.update("update cb_message set delivery_state = ?, published_at = ?, delivery_status = case when delivery_status in"
                    + " ('delivered', 'read') then delivery_status else ? end, delivery_detail = null,"
                    + " delivery_updated_at = ?, payload = ?, external_id = ? where message_id = ?", PUBLISHED, utc(sentAt), SENT, utc(sentAt), json,
                    truncate(source == null ? null : source.externalId(), MAX_EXTERNAL_ID), value.messageId());
            jdbc.update("update cb_case set updated_at = ? where case_id = ?", utc(sentAt), value.caseId());
            if (platformId != null && !platformId.isBlank()) {
                threads.recordRef(platformId, value.caseId(), value.messageId(), Direction.OUTBOUND);
            }
            // a human reply on any channel stops the SLA clocks (sla listens, in this transaction); acknowledgements do not
            events.publishEvent(new ReplySent(value, sentAt));
        });
        if (platformId != null && !platformId.isBlank()) {
            // the platform may have reported on the message before its send API answered
            receipts.applyPending(value.channel(), source.externalId());
        }
        exchange.setProperty(ReplyHeaders.DELIVERED_PROPERTY, true);
        LOG.info("Reply {} to case {} sent ({})", value.messageId(), value.caseId(), value.kind().wireName());
    }

    /** Reports on the case that outbound message {@code messageId} could not be delivered, and why. A sent message stays sent. */
    void markFailed(String messageId, String caseId, Throwable cause) {
        String reason = reason(cause);
        try {
            jdbc.update("update cb_message set delivery_status = ?, delivery_detail = ?, delivery_updated_at = ?"
                    + " where message_id = ? and delivery_status <> ?", FAILED, reason, utc(clock.instant()), messageId, SENT);
            LOG.warn("Reply {} to case {} was not delivered: {}", messageId, caseId, reason);
        } catch (RuntimeException e) {
            LOG.error("Reply {} to case {} was not delivered ({}), and that cannot be recorded: {}", messageId, caseId, reason, e.getMessage());
        }
    }

    /** The failure in words: the exception's message, and its root cause when that says more (e.g. the refused connection). */
    static String reason(Throwable cause) {
        if (cause == null) {
            return "not sent";
        }
        String reason = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != cause && root.getMessage() != null && !reason.contains(root.getMessage())) {
            reason = reason + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return truncate(reason, MAX_DETAIL);
    }

    private Case read(String json) {
        try {
            return mapper.readValue(json, Case.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored case JSON is unreadable", e);
        }
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
