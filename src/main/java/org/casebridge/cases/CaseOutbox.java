package org.casebridge.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.casebridge.shared.JdbcValues.utc;

/**
 * The transactional outbox of {@code casebridge.cases.new} ({@code cb_outbox}): {@link CaseStore} writes an entry with
 * the case and its message, claimed by this instance, and removes it when it marks the message published. An entry is
 * published by whoever holds its claim; a claim that ran out (the instance died, the send failed) is taken by the
 * sweeper of any instance ({@code routes/outbox-to-new-cases.yaml}) or by a client's retry, one at a time: the claim
 * is a conditional update, so the database lets exactly one of them win.
 */
@Component("caseOutbox")
public class CaseOutbox {

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Duration claimTimeout;
    private final int batchSize;
    private final String instanceId;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public CaseOutbox(JdbcTemplate jdbc, ObjectMapper mapper, @Value("${casebridge.outbox.claim-timeout}") Duration claimTimeout,
                      @Value("${casebridge.outbox.batch-size}") int batchSize, Clock clock) {
        this(jdbc, mapper, claimTimeout, batchSize, ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID(), clock);
    }

    /** Another instance's view of the same database (tests run several against one database). */
    public CaseOutbox(JdbcTemplate jdbc, ObjectMapper mapper, Duration claimTimeout, int batchSize, String instanceId, Clock clock) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.claimTimeout = claimTimeout;
        this.batchSize = batchSize;
        this.instanceId = instanceId.length() > 128 ? instanceId.substring(0, 128) : instanceId;
        this.clock = clock;
    }

    /** Writes the entry of a message just stored, claimed by this instance; call inside the transaction that stores it. */
    void add(String messageId, String caseId) {
        Instant now = now();
        jdbc.update("insert into cb_outbox (message_id, case_id, created_at, claimed_by, claimed_until, attempts) values (?, ?, ?, ?, ?, 1)",
                messageId, caseId, utc(now), instanceId, utc(now.plus(claimTimeout)));
    }

    /** Removes the entries of messages that are on the broker. Call inside the transaction that marks them published. */
    void removeAll(List<String> messageIds) {
        jdbc.batchUpdate("delete from cb_outbox where message_id = ?", messageIds.stream().map(id -> new Object[]{id}).toList());
    }

    /**
     * Claims the entry of one message for this instance, if nobody holds it: true when this instance may publish it now.
     * A message without an entry (published meanwhile) cannot be claimed.
     */
    boolean claim(String messageId) {
        Instant now = now();
        return jdbc.update("update cb_outbox set claimed_by = ?, claimed_until = ?, attempts = attempts + 1"
                        + " where message_id = ? and (claimed_until is null or claimed_until < ?)",
                instanceId, utc(now.plus(claimTimeout)), messageId, utc(now)) == 1;
    }

    /**
     * Route step after a failed or doubtful publish: gives up this instance's claim, so the next sweep (or the client's
     * retry) publishes the message. The rows stay: the message may be on the broker already, and a second publish is
     * what consumers de-duplicate on {@code CasebridgeMessageId}; a second case never is.
     */
    public void release(Exchange exchange) {
        String messageId = exchange.getMessage().getHeader(CaseHeaders.MESSAGE_ID, String.class);
        if (messageId != null) {
            jdbc.update("update cb_outbox set claimed_by = null, claimed_until = null where message_id = ? and claimed_by = ?",
                    messageId, instanceId);
        }
    }

    /**
     * Route step of the sweeper: claims the entries nobody holds (oldest first, up to casebridge.outbox.batch-size) and
     * returns their messages as exchanges' bodies to publish: each a map of caseId, messageId and the stored Case JSON.
     */
    public List<Map<String, String>> claimAbandoned() {
        Instant now = now();
        List<String> candidates = jdbc.queryForList("select message_id from cb_outbox where claimed_until is null or claimed_until < ?"
                + " order by created_at fetch first " + batchSize + " rows only", String.class, utc(now));
        List<Map<String, String>> claimed = new ArrayList<>();
        for (String messageId : candidates) {
            if (!claim(messageId)) {
                continue; // another instance's sweeper or a client's retry took it first
            }
            jdbc.query("select case_id, message_id, payload from cb_message where message_id = ?", row -> {
                claimed.add(Map.of("caseId", row.getString("case_id"), "messageId", row.getString("message_id"),
                        "payload", row.getString("payload")));
            }, messageId);
        }
        return claimed;
    }

    /** Route step of the sweeper: turns one claimed entry into the exchange {@code caseEnvelope.forQueue} expects. */
    public void prepare(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, String> entry = exchange.getMessage().getBody(Map.class);
        Message message = exchange.getMessage();
        try {
            exchange.setProperty(CaseHeaders.CASE_PROPERTY, mapper.readValue(entry.get("payload"), Case.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored case JSON of message " + entry.get("messageId") + " is unreadable", e);
        }
        message.setHeader(CaseHeaders.CASE_ID, entry.get("caseId"));
        message.setHeader(CaseHeaders.MESSAGE_ID, entry.get("messageId"));
        message.setBody(entry.get("payload"));
    }

    /** How many entries wait to be published. */
    public int waiting() {
        Integer count = jdbc.queryForObject("select count(*) from cb_outbox", Integer.class);
        return count == null ? 0 : count;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
