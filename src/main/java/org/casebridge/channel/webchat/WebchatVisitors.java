package org.casebridge.channel.webchat;

import org.casebridge.shared.RejectedRequestException;
import org.casebridge.store.BlobStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;

import static org.casebridge.shared.JdbcValues.utc;

/**
 * The visitors of the sites, each known by a random token the bridge issued. Only the token's SHA-256 is stored; the
 * visitor id ({@code customer.platformUserId}) is derived from the token by another hash, so a message can be read
 * without the database (the {@code normalise} command) and a leaked case never reveals a token.
 */
@Component
public class WebchatVisitors {

    /** A visitor, of one site. */
    public record Visitor(String visitorId, String siteId) {
    }

    /** A visitor just created, with the token to hand to the browser (the only time it is seen in clear). */
    public record Issued(Visitor visitor, String token) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** last_seen_at is written at most this often per visitor: a chat sends many requests. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public WebchatVisitors(JdbcTemplate jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    /** A new visitor of {@code siteId} with a fresh 256-bit token. */
    public Issued issue(String siteId) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Visitor visitor = new Visitor(visitorIdOf(token), siteId);
        OffsetDateTime now = utc(clock.instant());
        jdbc.update("insert into cb_webchat_visitor (visitor_id, site_id, token_sha256, created_at, last_seen_at) values (?, ?, ?, ?, ?)",
                visitor.visitorId(), siteId, tokenHash(token), now, now);
        return new Issued(visitor, token);
    }

    /** The visitor {@code token} was issued to, on {@code siteId}; a 401 problem for an unknown or another site's token. */
    public Visitor authenticate(String siteId, String token) {
        if (token == null || token.isBlank() || token.length() > 128) {
            throw unknownToken();
        }
        List<java.util.Map<String, Object>> rows = jdbc.queryForList(
                "select visitor_id, site_id, last_seen_at from cb_webchat_visitor where token_sha256 = ?", tokenHash(token.strip()));
        if (rows.isEmpty() || !siteId.equals(rows.get(0).get("site_id"))) {
            throw unknownToken();
        }
        String visitorId = (String) rows.get(0).get("visitor_id");
        Instant now = clock.instant();
        Object seen = rows.get(0).get("last_seen_at");
        Instant lastSeen = seen instanceof OffsetDateTime odt ? odt.toInstant()
                : seen instanceof java.sql.Timestamp ts ? ts.toInstant() : Instant.EPOCH;
        if (lastSeen.isBefore(now.minus(TOUCH_EVERY))) {
            jdbc.update("update cb_webchat_visitor set last_seen_at = ? where visitor_id = ?", utc(now), visitorId);
        }
        return new Visitor(visitorId, siteId);
    }

    /** Whether the visitor is still known (not forgotten after {@code visitor-retention}). */
    public boolean exists(String visitorId) {
        Integer found = jdbc.queryForObject("select count(*) from cb_webchat_visitor where visitor_id = ?", Integer.class, visitorId);
        return found != null && found > 0;
    }

    /** Forgets visitors unseen since {@code before}. Returns how many. */
    public int forgetUnseenSince(Instant before) {
        return jdbc.update("delete from cb_webchat_visitor where last_seen_at < ?", utc(before));
    }

    /** {@code wv-} and 128 bits of SHA-256 over the token: stable, and no way back to the token. */
    public static String visitorIdOf(String token) {
        return "wv-" + BlobStore.sha256Hex(("casebridge-webchat-visitor:" + token.strip()).getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    }

    static String tokenHash(String token) {
        return BlobStore.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }

    private static RejectedRequestException unknownToken() {
        return new RejectedRequestException(401, "invalid-visitor-token", "Unknown visitor token",
                "Send the token from POST /webchat/v1/sessions in " + WebchatHeaders.TOKEN + "; an unknown or expired token needs a new session.");
    }
}
