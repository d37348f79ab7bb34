package org.casebridge.channel.email;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.MessageKind;
import org.casebridge.sla.ExpectedWaits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

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
 * Answers the first email of a new case at once with its reference and when to expect an answer, as an automatic
 * reply ({@code Auto-Submitted: auto-replied}) through the ordinary reply path. Never for auto-replies, bounces or
 * bulk mail (they never open a case), never for a message joining an existing case, and at most a few times per
 * sender and hour, so two auto-responders cannot mail each other forever.
 */
@Component("emailAcknowledger")
public class EmailAcknowledger {

    /** Exchange property holding the acknowledgement to queue, when one is due. */
    public static final String ACKNOWLEDGEMENT = "CasebridgeAcknowledgement";

    private static final Logger LOG = LoggerFactory.getLogger(EmailAcknowledger.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final boolean enabled;
    private final int maxPerSender;
    private final Duration window;
    private final DateTimeFormatter dueFormat;
    private final ExpectedWaits expectedWaits;

    public EmailAcknowledger(JdbcTemplate jdbc, ObjectMapper mapper, ExpectedWaits expectedWaits,
                             @Value("${casebridge.email.acknowledgement.enabled}") boolean enabled,
                             @Value("${casebridge.email.acknowledgement.max-per-sender}") int maxPerSender,
                             @Value("${casebridge.email.acknowledgement.window}") Duration window,
                             @Value("${casebridge.email.acknowledgement.time-zone}") ZoneId zone) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.expectedWaits = expectedWaits;
        this.enabled = enabled;
        this.maxPerSender = maxPerSender;
        this.window = window;
        this.dueFormat = DateTimeFormatter.ofPattern("EEEE d MMMM 'at' HH:mm", Locale.UK).withZone(zone);
    }

    /**
     * Route step after the case is published: when an acknowledgement is due, records it (for the rate limit) and puts
     * the reply to send, as JSON, in the exchange property {@link #ACKNOWLEDGEMENT}.
     */
    public void acknowledge(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (!enabled || value == null || value.kind() != MessageKind.MESSAGE || value.thread() == null || value.thread().joinsExistingCase()) {
            return;
        }
        String recipient = value.customer() == null ? null : value.customer().email();
        if (recipient == null) {
            return;
        }
        String normalised = recipient.toLowerCase(Locale.ROOT);
        Instant now = Instant.now();
        Integer recent = jdbc.queryForObject("select count(*) from cb_acknowledgement where recipient = ? and sent_at > ?",
                Integer.class, normalised, OffsetDateTime.ofInstant(now.minus(window), ZoneOffset.UTC));
        if (recent != null && recent >= maxPerSender) {
            LOG.info("No acknowledgement for {} to {}: {} already sent within {}", value.caseId(), normalised, recent, window);
            return;
        }
        jdbc.update("insert into cb_acknowledgement (recipient, case_id, sent_at) values (?, ?, ?)",
                normalised, value.caseId(), OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("caseId", value.caseId());
        reply.put("kind", MessageKind.AUTO_REPLY.wireName());
        reply.put("text", text(value));
        reply.put("html", null);
        reply.put("author", null);
        reply.put("reference", "acknowledgement:" + value.messageId());
        try {
            exchange.setProperty(ACKNOWLEDGEMENT, mapper.writeValueAsString(reply));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String text(Case value) {
        String due = value.sla() == null || value.sla().firstResponseDue() == null ? null : dueFormat.format(value.sla().firstResponseDue());
        StringBuilder text = new StringBuilder();
        text.append("Thank you for your message. We have received it and opened case ").append(value.caseId()).append(".\n\n");
        // the live expected wait (the same sentence on every channel), then the commitment for this case
        text.append(expectedWaits.sentenceFor(value)).append(".");
        if (due != null) {
            text.append(" We will answer this message by ").append(due).append(" at the latest.");
        }
        text.append("\n\n");
        text.append("If you write to us again about this, please keep ").append(value.caseId())
                .append(" in the subject line, or simply reply to this email.\n\n")
                .append("This is an automatic message.");
        return text.toString();
    }
}
