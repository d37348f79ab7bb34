package org.casebridge.cases;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** The rejection record: every message casebridge refused, why, and where its original bytes are kept. */
@Component
public class RejectionStore {

    private static final int MAX_DETAIL = 4000;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public RejectionStore(JdbcTemplate jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    /** Records one rejection and returns its id. */
    public String record(String channel, String sourceSystem, int status, String problemType, String detail, String rawRef) {
        String id = UUID.randomUUID().toString();
        String text = detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        jdbc.update("insert into cb_rejection (rejection_id, received_at, channel, source_system, status, problem_type, detail, raw_ref)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?)",
                id, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), channel, sourceSystem, status, problemType, text, rawRef);
        return id;
    }

    /** How many rejections are recorded (for tests and health views). */
    public long count() {
        Long count = jdbc.queryForObject("select count(*) from cb_rejection", Long.class);
        return count == null ? 0 : count;
    }
}
