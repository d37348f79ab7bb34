package org.casebridge.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.casebridge.ops.ApiClients;
import org.casebridge.ops.RejectedRequestException;
import org.casebridge.store.BlobStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cases and their messages in the database, plus the idempotency keys of API clients.
 * <p>
 * A message is written as {@code pending} before it is published and marked {@code published} once the broker has
 * it. A retried request with the same Idempotency-Key finds its message again: a published one is answered with the
 * same ids and nothing is published twice; a pending one (the earlier attempt died mid-way) is published again.
 */
@Component("caseStore")
public class CaseStore {

    static final String PENDING = "pending";
    /**
     * How long a pending message counts as being published by someone else (two instances reading one mailbox,
     * a client's concurrent retry) rather than left behind by a failure or a crash: publishing takes milliseconds.
     */
    static final Duration IN_FLIGHT = Duration.ofSeconds(5);
    static final String PUBLISHED = "published";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper mapper;
    private final CaseSchema schema;
    private final Duration idempotencyKeyRetention;
    private final ThreadIndex threads;
    private final ApiClients clients;
    private final ObjectProvider<CaseStoreListener> listeners;

    public CaseStore(JdbcTemplate jdbc, TransactionTemplate tx, ObjectMapper mapper, CaseSchema schema, ThreadIndex threads,
                     ApiClients clients, @Value("${casebridge.api.idempotency-key-retention}") Duration idempotencyKeyRetention,
                     ObjectProvider<CaseStoreListener> listeners) {
        this.listeners = listeners;
        this.threads = threads;
        this.clients = clients;
        this.jdbc = jdbc;
        this.tx = tx;
        this.mapper = mapper;
        this.schema = schema;
        this.idempotencyKeyRetention = idempotencyKeyRetention;
    }

    /** Route step: forgets idempotency keys older than the retention; a retry after that opens a new case. Returns how many. */
    public int expireIdempotencyKeys() {
        return jdbc.update("delete from cb_idempotency_key where created_at < ?", utc(Instant.now().minus(idempotencyKeyRetention)));
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
        String requestHash = raw == null ? BlobStore.sha256Hex(json.getBytes(StandardCharsets.UTF_8)) : BlobStore.sha256Hex(raw);

        if (key != null) {
            Optional<StoredMessage> previous = findByIdempotencyKey(clientId, key, requestHash);
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
                StoredMessage winner = key == null ? null : findByIdempotencyKey(clientId, key, requestHash).orElse(null);
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
        Integer found = jdbc.queryForObject("select count(*) from cb_idempotency_key k join cb_message m on m.message_id = k.message_id"
                + " where k.client_id = ? and k.idempotency_key = ? and m.delivery_state = ?", Integer.class, clientId, key, PUBLISHED);
        return found != null && found > 0;
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
            recordThreading(value);
            boolean newCase = value.thread() == null || !value.thread().joinsExistingCase();
            listeners.orderedStream().forEach(listener -> listener.inboundStored(value, newCase));
            if (key != null) {
                jdbc.update("insert into cb_idempotency_key (client_id, idempotency_key, request_sha256, case_id, message_id, created_at)"
                        + " values (?, ?, ?, ?, ?, ?)", clientId, key, requestHash, value.caseId(), value.messageId(), utc(Instant.now()));
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

    /** Route step: the broker has the message; mark it published. */
    public void markPublished(Exchange exchange) {
        String messageId = exchange.getMessage().getHeader(CaseHeaders.MESSAGE_ID, String.class);
        jdbc.update("update cb_message set delivery_state = ?, published_at = ? where message_id = ?",
                PUBLISHED, utc(Instant.now()), messageId);
    }

    /**
     * Route step after a failed publish: the client is told nothing was accepted, so the pending message, its new case
     * and its idempotency key are removed and a retry starts afresh.
     */
    public void discardPending(Exchange exchange) {
        String messageId = exchange.getMessage().getHeader(CaseHeaders.MESSAGE_ID, String.class);
        String caseId = exchange.getMessage().getHeader(CaseHeaders.CASE_ID, String.class);
        if (messageId == null) {
            return;
        }
        tx.executeWithoutResult(status -> {
            int removed = jdbc.update("delete from cb_message where message_id = ? and delivery_state = ?", messageId, PENDING);
            if (removed > 0) {
                jdbc.update("delete from cb_idempotency_key where message_id = ?", messageId);
                jdbc.update("delete from cb_message_ref where message_id = ?", messageId);
                Integer others = jdbc.queryForObject("select count(*) from cb_message where case_id = ?", Integer.class, caseId);
                if (others != null && others == 0) {
                    // the case existed only for this message: nothing of it stays
                    jdbc.update("delete from cb_case_participant where case_id = ?", caseId);
                    jdbc.update("delete from cb_message_ref where case_id = ?", caseId);
                    jdbc.update("delete from cb_case where case_id = ?", caseId);
                }
            }
        });
    }

    /** The case with its published messages (each a Case v1 document), as the API shows it. */
    public Optional<Map<String, Object>> findCase(String caseId, String clientId) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select case_id, channel, status, client_id, subject, priority, created_at, updated_at from cb_case where case_id = ?",
                caseId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = rows.get(0);
        if (clientId != null && !clientId.equals(row.get("client_id"))) {
            return Optional.empty();
        }
        // inbound messages once accepted (published); outbound ones whatever their delivery, which is shown beside them
        List<Map<String, Object>> rowsOfMessages = jdbc.queryForList(
                "select message_id, direction, payload, delivery_status, delivery_detail from cb_message where case_id = ?"
                        + " and (delivery_state = ? or direction = 'outbound') order by received_at, message_id", caseId, PUBLISHED);
        List<JsonNode> messages = rowsOfMessages.stream().map(r -> readTree(String.valueOf(r.get("payload")))).toList();
        if (messages.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> deliveries = new java.util.ArrayList<>();
        for (Map<String, Object> r : rowsOfMessages) {
            if ("outbound".equals(r.get("direction"))) {
                Map<String, Object> delivery = new LinkedHashMap<>();
                delivery.put("messageId", r.get("message_id"));
                delivery.put("status", r.get("delivery_status"));
                delivery.put("detail", r.get("delivery_detail"));
                deliveries.add(delivery);
            }
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("caseId", row.get("case_id"));
        view.put("channel", row.get("channel"));
        view.put("status", row.get("status"));
        view.put("subject", row.get("subject"));
        view.put("priority", row.get("priority"));
        view.put("openedAt", messages.get(0).path("receivedAt").asText());
        view.put("messageCount", messages.size());
        view.put("messages", messages);
        view.put("deliveries", deliveries);
        // what the bridge found a person must act on (cb_case_attention), e.g. whatsapp-window-closed
        view.put("attention", jdbc.queryForList("select flag from cb_case_attention where case_id = ? order by raised_at, flag",
                String.class, caseId));
        return Optional.of(view);
    }

    /**
     * Route step for {@code GET /api/v1/cases/{caseId}}: the case as JSON in the body, or a 404 problem. A back-office
     * client ({@code trusted-identity}) sees every case; a web form only the cases it opened.
     */
    public void lookup(Exchange exchange) {
        Message message = exchange.getMessage();
        String caseId = message.getHeader("caseId", String.class);
        String normalised = caseId == null ? null : caseId.strip().toUpperCase(java.util.Locale.ROOT);
        String clientId = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        boolean seesAll = clients.byId(clientId).map(ApiClients.ApiClient::trustedIdentity).orElse(false);
        Optional<Map<String, Object>> found = CaseIds.isCaseId(normalised)
                ? findCase(normalised, seesAll ? null : clientId) : Optional.empty();
        Map<String, Object> view = found.orElseThrow(() -> new RejectedRequestException(404, "case-not-found", "Case not found",
                "No case '" + caseId + "' is visible to this client."));
        try {
            message.setBody(mapper.writeValueAsString(view));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record StoredMessage(String caseId, String messageId, String state, String payload, Instant storedAt) {
    }

    private Optional<StoredMessage> findByIdempotencyKey(String clientId, String key, String requestHash) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select k.request_sha256, k.created_at, m.case_id, m.message_id, m.delivery_state, m.payload from cb_idempotency_key k"
                        + " join cb_message m on m.message_id = k.message_id where k.client_id = ? and k.idempotency_key = ?",
                clientId, key);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = rows.get(0);
        if (!requestHash.equals(row.get("request_sha256"))) {
            throw new RejectedRequestException(422, "idempotency-key-reused", "Idempotency-Key reused",
                    "The Idempotency-Key '" + key + "' was already used for a different request body.");
        }
        return Optional.of(new StoredMessage((String) row.get("case_id"), (String) row.get("message_id"),
                (String) row.get("delivery_state"), String.valueOf(row.get("payload")), instant(row.get("created_at"))));
    }

    private void repeat(Message message, StoredMessage previous) {
        if (PENDING.equals(previous.state()) && previous.storedAt() != null
                && previous.storedAt().isAfter(Instant.now().minus(IN_FLIGHT))) {
            // another instance (or a concurrent request) is publishing it right now: come back, don't publish twice
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

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static byte[] rawBytes(Message message) {
        Object raw = message.getExchange().getProperty(RAW_BYTES_PROPERTY);
        return raw instanceof byte[] bytes ? bytes : null;
    }

    /** Exchange property with the request bytes, used to tell a true retry from a reused Idempotency-Key. */
    public static final String RAW_BYTES_PROPERTY = "CasebridgeRawBytes";

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored case JSON is unreadable", e);
        }
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof java.time.Instant i) {
            return i;
        }
        return null;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
