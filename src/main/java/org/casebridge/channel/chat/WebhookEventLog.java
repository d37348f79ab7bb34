package org.casebridge.channel.chat;

import org.casebridge.cases.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.casebridge.shared.JdbcValues.truncate;

/**
 * The record of webhook events the bridge acknowledged but did not act on (a reaction, a typing indicator, an event
 * type a platform added after this release), with a reference to the archived call: answered 200 so the platform
 * keeps the webhook enabled, and kept so nobody has to guess what arrived.
 */
@Component
public class WebhookEventLog {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookEventLog.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public WebhookEventLog(JdbcTemplate jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    public void recordIgnored(Channel channel, String eventType, String reason, String rawRef) {
        LOG.info("{} webhook event '{}' acknowledged, not acted on: {}", channel.wireName(), eventType, reason);
        jdbc.update("insert into cb_webhook_event (event_id, received_at, channel, event_type, outcome, detail, raw_ref)"
                        + " values (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
                channel.wireName(), truncate(eventType == null ? "unknown" : eventType, 128), "ignored",
                truncate(reason == null ? "" : reason, 2000), rawRef);
    }

    /**
     * Records a webhook event with another {@code outcome} than {@code ignored}: e.g. Slack's staff events, which are
     * kept ({@code recorded}) or acted on ({@code acted}) but never become case messages.
     */
    public void record(Channel channel, String eventType, String outcome, String detail, String rawRef) {
        jdbc.update("insert into cb_webhook_event (event_id, received_at, channel, event_type, outcome, detail, raw_ref)"
                        + " values (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
                channel.wireName(), truncate(eventType == null || eventType.isBlank() ? "unknown" : eventType, 128), truncate(outcome, 16),
                truncate(detail == null ? "" : detail, 2000), rawRef);
    }

    /** How many events of {@code channel} were recorded as ignored. */
    public long countIgnored(Channel channel) {
        Long count = jdbc.queryForObject("select count(*) from cb_webhook_event where channel = ? and outcome = 'ignored'", Long.class,
                channel.wireName());
        return count == null ? 0 : count;
    }
}
