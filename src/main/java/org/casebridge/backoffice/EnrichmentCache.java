package org.casebridge.backoffice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Enrichment;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import static org.casebridge.shared.JdbcValues.utc;

/**
 * The housing system's answers, in the database until they expire, so every instance shares them (one lookup per
 * customer per TTL for the whole cluster, not per instance) and a restart does not send a burst of lookups.
 * Only answers are cached ({@code enriched}, {@code not-found}); "unavailable" never is.
 */
@Component("enrichmentCache")
public class EnrichmentCache {

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Clock clock;

    public EnrichmentCache(JdbcTemplate jdbc, ObjectMapper mapper, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /** A cached answer: the record when found, and when the housing system gave it. */
    public record Cached(Enrichment.Status status, HousingLookup.HousingRecord record, Instant fetchedAt) {
    }

    /** The cache key of an identity for a lookup. */
    static String key(String source, String kind, String value) {
        String key = source + "|" + kind + "|" + value;
        return key.length() > 420 ? key.substring(0, 420) : key;
    }

    /** The answer for {@code key}, unless it has expired. */
    public Optional<Cached> get(String key) {
        return jdbc.query("select status, result, fetched_at from cb_enrichment_cache where lookup_key = ? and expires_at > ?",
                (rs, i) -> new Cached(Enrichment.Status.fromWire(rs.getString("status")), read(rs.getString("result")),
                        instant(rs.getObject("fetched_at"))), key, utc(clock.instant())).stream().findFirst();
    }

    /** Remembers an answer for {@code ttl}. */
    public void put(String key, Enrichment.Status status, HousingLookup.HousingRecord record, Instant fetchedAt, Duration ttl) {
        String json = write(record);
        OffsetDateTime expires = utc(fetchedAt.plus(ttl));
        int updated = jdbc.update("update cb_enrichment_cache set status = ?, result = ?, fetched_at = ?, expires_at = ? where lookup_key = ?",
                status.wireName(), json, utc(fetchedAt), expires, key);
        if (updated == 0) {
            try {
                jdbc.update("insert into cb_enrichment_cache (lookup_key, status, result, fetched_at, expires_at) values (?, ?, ?, ?, ?)",
                        key, status.wireName(), json, utc(fetchedAt), expires);
            } catch (DuplicateKeyException raced) {
                // another instance cached the same answer at the same moment
            }
        }
    }

    /** Route step: removes expired answers; returns how many. */
    public int expire() {
        return jdbc.update("delete from cb_enrichment_cache where expires_at < ?", utc(clock.instant()));
    }

    private String write(HousingLookup.HousingRecord record) {
        try {
            return record == null ? null : mapper.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private HousingLookup.HousingRecord read(String json) {
        try {
            return json == null ? null : mapper.readValue(json, HousingLookup.HousingRecord.class);
        } catch (JsonProcessingException e) {
            return null; // an unreadable entry counts as absent: it is looked up again
        }
    }

    private Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        return value instanceof Instant i ? i : clock.instant();
    }
}
