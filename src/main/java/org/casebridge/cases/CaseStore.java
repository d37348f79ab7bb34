package org.casebridge.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.casebridge.shared.Hashes;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import static org.casebridge.shared.JdbcValues.truncate;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * The route steps that write inbound messages: a case and its messages into the database, with the idempotency key
 * of the API client ({@link IdempotencyKeys}); {@link CaseViews} reads them back, and {@link CaseRecorded} tells the
 * other modules inside the same transaction.
 * <p>
 * A message is written as {@code pending}, with its entry in the {@link CaseOutbox}, in the transaction that stores
 * the case, and marked {@code published} (its outbox entry removed) once the broker has it. A retried request with the
 * same Idempotency-Key finds its message again: a published one is answered with the same ids and nothing is published
 * twice; a pending one is published by the retry if it can claim the outbox entry, and is otherwise in flight (the
 * first attempt or a sweeper is publishing it). A failed publish never removes anything: the sweeper finishes it.
 */
@Component("caseStore")
public class CaseStore {

    static final String PENDING = "pending";
    static final String PUBLISHED = "published";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper mapper;
    private final CaseSchema schema;
    private final ThreadIndex threads;
    private final IdempotencyKeys keys;
    private final ApplicationEventPublisher events;
    private final CaseOutbox outbox;
    private final PublishedMarks marks;

    public CaseStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper mapper, CaseSchema schema, ThreadIndex threads,
                     IdempotencyKeys keys, ApplicationEventPublisher events, CaseOutbox outbox, PublishedMarks marks) {
        this.marks = marks;
        this.events = events;
        this.outbox = outbox;
        this.threads = threads;
        this.keys = keys;
        this.jdbc = jdbc;
        this.tx = tx;
        this.mapper = mapper;
        this.schema = schema;
    }

    /** Route step: forgets idempotency keys older than the retention; a retry after that opens a new case. Returns how many. */
    public int expireIdempotencyKeys() {
        return keys.expire();
    }

    /**
     * Route step: stores the new case and its first message as {@code pending}, together with the client's
     * Idempotency-Key. The body must be the validated case JSON. When the key was seen before, the stored ids replace
     * the new ones, the body becomes the stored JSON, and {@link CaseHeaders#ALREADY_PUBLISHED} says whether to publish.
     */
    public void recordInbound(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        String json = message.getMandatoryBody(String.class);
        String clientId = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        String key = message.getHeader(CaseHeaders.IDEMPOTENCY_KEY, String.class);
        byte[] raw = rawBytes(message);
        String requestHash = raw == null ? Hashes.sha256Hex(json.getBytes(StandardCharsets.UTF_8)) : Hashes.sha256Hex(raw);

        if (key != null) {
            Optional<IdempotencyKeys.StoredMessage> previous = keys.find(clientId, key, requestHash);
            if (previous.isPresent()) {
                repeat(message, previous.get());
                return;
            }
        }
        // case ids are drawn at random: on the rare collision with an existing case, draw again (the primary key decides)
        Case current = value;
        String currentJson = json;
        for (int attempt = 1; ; attempt++) {
            try {
                insert(current, currentJson, clientId, key, requestHash);
                message.setHeader(CaseHeaders.ALREADY_PUBLISHED, false);
                return;
            } catch (DuplicateKeyException e) {
                // the same key raced in from a concurrent retry: answer with whatever the winner stored
                IdempotencyKeys.StoredMessage winner = key == null ? null : keys.find(clientId, key, requestHash).orElse(null);
                if (winner != null) {
                    repeat(message, winner);
                    return;
                }
                if (attempt >= 5 || current.thread().joinsExistingCase() || !threads.caseExists(current.caseId())) {
                    throw e;
                }
                current = current.withCaseId(CaseIds.newCaseId());
                currentJson = schema.toValidatedJson(current);
                exchange.setProperty(CaseHeaders.CASE_PROPERTY, current);
                message.setHeader(CaseHeaders.CASE_ID, current.caseId());
                message.setBody(currentJson);
            }
        }
    }

    /**
     * Whether the message an idempotency key stands for is already published: a platform's redelivery then needs no
     * media fetched and no threading worked out again ({@link #recordInbound} answers it from the stored message).
     */
    public boolean isPublished(String clientId, String key) {
        return keys.isPublished(clientId, key);
    }

    private void insert(Case value, String json, String clientId, String key, String requestHash) {
        tx.executeWithoutResult(status -> {
            if (value.thread() != null && value.thread().joinsExistingCase()) {
                int touched = jdbc.update("update cb_case set updated_at = ? where case_id = ?", utc(value.receivedAt()), value.caseId());
                if (touched == 0) {
                    throw new IllegalStateException("Message " + value.messageId() + " joins case " + value.caseId() + ", which does not exist");
                }
            } else {
                insertCase(value, clientId);
            }
            insertMessage(value, json);
            outbox.add(value.messageId(), value.caseId());
            recordThreading(value);
            boolean newCase = value.thread() == null || !value.thread().joinsExistingCase();
            events.publishEvent(new CaseRecorded(value, newCase));
            if (key != null) {
                keys.remember(clientId, key, requestHash, value.caseId(), value.messageId());
            }
        });
    }

    /** Remembers the message's own reference and the sender as a participant, for threading later messages. */
    private void recordThreading(Case value) {
        threads.recordRef(value.source().externalId(), value.caseId(), value.messageId(), value.direction());
        if (value.direction() == Direction.INBOUND && value.customer() != null) {
            Customer customer = value.customer();
            Channel channel = value.channel();
            threads.addParticipant(value.caseId(), channel, channel == Channel.EMAIL || channel == Channel.WEBFORM
                    ? customer.email() : customer.platformUserId() != null ? customer.platformUserId() : customer.phone());
            if (channel == Channel.EMAIL && value.recipients() != null) {
                value.recipients().replyTo().forEach(a -> threads.addParticipant(value.caseId(), channel, a.address()));
            }
        }
    }

    /**
     * Route step: the broker has the message; mark it published and remove its outbox entry, in one transaction,
     * shared with the marks of concurrent requests (group commit: one commit for all of them). Returns once committed.
     */
    public void markPublished(Exchange exchange) {
        marks.mark(exchange.getMessage().getHeader(CaseHeaders.MESSAGE_ID, String.class));
    }

    private void repeat(Message message, IdempotencyKeys.StoredMessage previous) {
        if (PENDING.equals(previous.state()) && !outbox.claim(previous.messageId())) {
            // the first attempt, another instance or a sweeper holds the outbox entry and is publishing it right now
            // (or its claim has yet to run out): come back, don't publish twice
            throw new MessageInFlightException("Message " + previous.messageId() + " of case " + previous.caseId()
                    + " is being published by another request; retry shortly.");
        }
        try {
            message.getExchange().setProperty(CaseHeaders.CASE_PROPERTY, mapper.readValue(previous.payload(), Case.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored case JSON is unreadable", e);
        }
        message.setHeader(CaseHeaders.CASE_ID, previous.caseId());
        message.setHeader(CaseHeaders.MESSAGE_ID, previous.messageId());
        message.setHeader(CaseHeaders.ALREADY_PUBLISHED, PUBLISHED.equals(previous.state()));
        message.setBody(previous.payload());
    }

    private void insertCase(Case value, String clientId) {
        OffsetDateTime now = utc(value.receivedAt());
        jdbc.update("insert into cb_case (case_id, channel, status, client_id, customer_name, customer_email, customer_phone,"
                        + " subject, priority, first_response_due, created_at, updated_at, possibly_related_to)"
                        + " values (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                value.caseId(), value.channel().wireName(), clientId, value.customer().displayName(), value.customer().email(),
                value.customer().phone(), truncate(value.subject(), 998), value.priority().name(),
                value.sla() == null ? null : utc(value.sla().firstResponseDue()), now, now,
                value.thread() == null ? null : value.thread().possiblyRelatedTo());
    }

    private void insertMessage(Case value, String json) {
        jdbc.update("insert into cb_message (message_id, case_id, direction, kind, channel, received_at, external_id, raw_ref,"
                        + " delivery_state, payload) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                value.messageId(), value.caseId(), value.direction().wireName(), value.kind().wireName(), value.channel().wireName(),
                utc(value.receivedAt()), truncate(value.source().externalId(), 998), value.source().rawRef(), PENDING, json);
    }

    private static byte[] rawBytes(Message message) {
        Object raw = message.getExchange().getProperty(RAW_BYTES_PROPERTY);
        return raw instanceof byte[] bytes ? bytes : null;
    }

    /** Exchange property with the request bytes, used to tell a true retry from a reused Idempotency-Key. */
    public static final String RAW_BYTES_PROPERTY = "CasebridgeRawBytes";
}
