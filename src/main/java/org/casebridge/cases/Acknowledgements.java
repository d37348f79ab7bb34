package org.casebridge.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What every channel's automatic acknowledgement shares: the rate limit per recipient (in {@code cb_acknowledgement},
 * so every instance counts the same, and two auto-responders cannot answer each other forever), the reply it becomes
 * on {@code casebridge.replies}, and how the promised time is written.
 */
@Component
public class Acknowledgements {

    /** Exchange property holding the acknowledgement to queue, when one is due. */
    public static final String PROPERTY = "CasebridgeAcknowledgement";

    private static final Logger LOG = LoggerFactory.getLogger(Acknowledgements.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final int maxPerRecipient;
    private final Duration window;
    private final DateTimeFormatter dueFormat;
    private final Clock clock;

    public Acknowledgements(JdbcTemplate jdbc, ObjectMapper mapper,
                            @Value("${casebridge.email.acknowledgement.max-per-sender}") int maxPerRecipient,
                            @Value("${casebridge.email.acknowledgement.window}") Duration window,
                            @Value("${casebridge.email.acknowledgement.time-zone}") ZoneId zone, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.maxPerRecipient = maxPerRecipient;
        this.window = window;
        this.dueFormat = DateTimeFormatter.ofPattern("EEEE d MMMM 'at' HH:mm", Locale.UK).withZone(zone);
    }

    /**
     * Records an acknowledgement of case {@code caseId} to {@code recipient} if the limit allows one more within the
     * window; false (nothing recorded) when it does not.
     */
    public boolean claim(String recipient, String caseId) {
        Instant now = clock.instant();
        Integer recent = jdbc.queryForObject("select count(*) from cb_acknowledgement where recipient = ? and sent_at > ?",
                Integer.class, recipient, OffsetDateTime.ofInstant(now.minus(window), ZoneOffset.UTC));
        if (recent != null && recent >= maxPerRecipient) {
            LOG.info("No acknowledgement for {} to {}: {} already sent within {}", caseId, recipient, recent, window);
            return false;
        }
        jdbc.update("insert into cb_acknowledgement (recipient, case_id, sent_at) values (?, ?, ?)",
                recipient, caseId, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        return true;
    }

    /** The acknowledgement of {@code value} as a reply for {@code casebridge.replies}: an automatic one, with {@code text}. */
    public String reply(Case value, String text) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("caseId", value.caseId());
        reply.put("kind", MessageKind.AUTO_REPLY.wireName());
        reply.put("text", text);
        reply.put("html", null);
        reply.put("author", null);
        reply.put("reference", "acknowledgement:" + value.messageId());
        try {
            return mapper.writeValueAsString(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** When the case's first response is due, in words ("Tuesday 24 November at 17:00"), or null when it has none. */
    public String due(Case value) {
        return value.sla() == null || value.sla().firstResponseDue() == null ? null : dueFormat.format(value.sla().firstResponseDue());
    }
}
