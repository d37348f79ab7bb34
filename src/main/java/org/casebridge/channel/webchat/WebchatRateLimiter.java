package org.casebridge.channel.webchat;

import org.casebridge.shared.RejectedRequestException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Fixed-window request counters in the database ({@code cb_webchat_rate}), so a visitor spreading requests over
 * several instances is counted once: a bucket in memory per instance would let N instances take N times the limit.
 */
@Component
public class WebchatRateLimiter {

    private final JdbcTemplate jdbc;
    private final WebchatProperties properties;
    private final Clock clock;

    public WebchatRateLimiter(JdbcTemplate jdbc, WebchatProperties properties, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** Counts one request of {@code key}; a 429 problem (with Retry-After) once it is over {@code limit} in the window. */
    public void hit(String key, int limit) {
        Duration window = properties.getRateLimit().getWindow();
        long windowMillis = Math.max(1000, window.toMillis());
        long nowMillis = clock.instant().toEpochMilli();
        Instant start = Instant.ofEpochMilli(nowMillis - nowMillis % windowMillis);
        OffsetDateTime windowStart = OffsetDateTime.ofInstant(start, ZoneOffset.UTC);
        String rateKey = key.length() <= 200 ? key : key.substring(0, 200);
        if (jdbc.update("update cb_webchat_rate set hits = hits + 1 where rate_key = ? and window_start = ?", rateKey, windowStart) == 0) {
            try {
                jdbc.update("insert into cb_webchat_rate (rate_key, window_start, hits) values (?, ?, 1)", rateKey, windowStart);
            } catch (DuplicateKeyException raced) {
                jdbc.update("update cb_webchat_rate set hits = hits + 1 where rate_key = ? and window_start = ?", rateKey, windowStart);
            }
        }
        Integer hits = jdbc.queryForObject("select hits from cb_webchat_rate where rate_key = ? and window_start = ?", Integer.class,
                rateKey, windowStart);
        if (hits != null && hits > limit) {
            long retryAfter = Math.max(1, (start.toEpochMilli() + windowMillis - nowMillis + 999) / 1000);
            throw new RejectedRequestException(429, "rate-limited", "Too many requests",
                    "More than " + limit + " requests within " + window + "; try again in " + retryAfter + " s.",
                    java.util.List.of(), Map.of("Retry-After", Long.toString(retryAfter)));
        }
    }

    /** Removes counters of windows that ended before {@code before}. Returns how many. */
    public int forgetWindowsBefore(Instant before) {
        return jdbc.update("delete from cb_webchat_rate where window_start < ?", OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
    }
}
