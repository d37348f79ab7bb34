package org.casebridge.cases;

import org.casebridge.shared.RejectedRequestException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.casebridge.shared.JdbcValues.instant;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * The Idempotency-Keys of API clients ({@code cb_idempotency_key}): which stored message a key stands for, so a
 * retried request is answered from it instead of opening a second case.
 */
@Component
class IdempotencyKeys {

    /** The message a key stands for, as stored. */
    record StoredMessage(String caseId, String messageId, String state, String payload, Instant storedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Duration retention;
    private final Clock clock;

    IdempotencyKeys(JdbcTemplate jdbc, @Value("${casebridge.api.idempotency-key-retention}") Duration retention,
                    Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.retention = retention;
    }

    /** Forgets keys older than the retention; a retry after that opens a new case. Returns how many. */
    int expire() {
        return jdbc.update("delete from cb_idempotency_key where created_at < ?", utc(clock.instant().minus(retention)));
    }

    /** Whether the message {@code key} stands for is already published. */
    boolean isPublished(String clientId, String key) {
        Integer found = jdbc.queryForObject("select count(*) from cb_idempotency_key k join cb_message m on m.message_id = k.message_id"
                + " where k.client_id = ? and k.idempotency_key = ? and m.delivery_state = ?", Integer.class, clientId, key, CaseStore.PUBLISHED);
        return found != null && found > 0;
    }

    /** Remembers that {@code key} stands for message {@code messageId}; in the transaction that stores the message. */
    void remember(String clientId, String key, String requestHash, String caseId, String messageId) {
        jdbc.update("insert into cb_idempotency_key (client_id, idempotency_key, request_sha256, case_id, message_id, created_at)"
                + " values (?, ?, ?, ?, ?, ?)", clientId, key, requestHash, caseId, messageId, utc(clock.instant()));
    }

    /** The message {@code key} stands for; a key reused with another request body is refused (422). */
    Optional<StoredMessage> find(String clientId, String key, String requestHash) {
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
}
