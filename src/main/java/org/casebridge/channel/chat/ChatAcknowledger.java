package org.casebridge.channel.chat;

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
 * The automatic answer to a chat message that opened a case: the case reference and when to expect a reply, sent on
 * the customer's own channel through {@code casebridge.replies} like any reply. Rate-limited per customer with the
 * email acknowledgements' limit, in the database so every instance counts the same.
 */
@Component("chatAcknowledger")
public class ChatAcknowledger {

    /** Exchange property holding the acknowledgement to queue, when one is due (the same as email's). */
    public static final String ACKNOWLEDGEMENT = "CasebridgeAcknowledgement";

    /** Exchange property: the platform answers this message itself ({@link ChatPlatform#acknowledges}); no acknowledgement. */
    public static final String NOT_ACKNOWLEDGED = "CasebridgeNotAcknowledged";

    private static final Logger LOG = LoggerFactory.getLogger(ChatAcknowledger.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final ChatProperties properties;
    private final ExpectedWaits expectedWaits;
    private final int maxPerSender;
    private final Duration window;
    private final DateTimeFormatter dueFormat;

    public ChatAcknowledger(JdbcTemplate jdbc, ObjectMapper mapper, ChatProperties properties, ExpectedWaits expectedWaits,
                            @Value("${casebridge.email.acknowledgement.max-per-sender}") int maxPerSender,
                            @Value("${casebridge.email.acknowledgement.window}") Duration window,
                            @Value("${casebridge.email.acknowledgement.time-zone}") ZoneId zone) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.properties = properties;
        this.expectedWaits = expectedWaits;
        this.maxPerSender = maxPerSender;
        this.window = window;
        this.dueFormat = DateTimeFormatter.ofPattern("EEEE d MMMM 'at' HH:mm", Locale.UK).withZone(zone);
    }

    /**
     * Route step after the case is published: when the message opened a case, puts the acknowledgement reply (JSON, as
     * {@code casebridge.replies} takes it) in the exchange property {@link #ACKNOWLEDGEMENT}.
     */
    public void acknowledge(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (!properties.isAcknowledge() || value == null || value.kind() != MessageKind.MESSAGE || value.thread() == null
                || value.thread().joinsExistingCase() || value.customer() == null) {
            return;
        }
        if (exchange.getProperty(NOT_ACKNOWLEDGED, false, Boolean.class)) {
            LOG.info("No acknowledgement for {}: {} answers this message itself", value.caseId(), value.channel().wireName());
            return;
        }
        String who = value.customer().platformUserId() != null ? value.customer().platformUserId() : value.customer().phone();
        if (who == null) {
            return;
        }
        String recipient = value.channel().wireName() + ":" + who;
        Instant now = Instant.now();
        Integer recent = jdbc.queryForObject("select count(*) from cb_acknowledgement where recipient = ? and sent_at > ?",
                Integer.class, recipient, OffsetDateTime.ofInstant(now.minus(window), ZoneOffset.UTC));
        if (recent != null && recent >= maxPerSender) {
            LOG.info("No acknowledgement for {} to {}: {} already sent within {}", value.caseId(), recipient, recent, window);
            return;
        }
        jdbc.update("insert into cb_acknowledgement (recipient, case_id, sent_at) values (?, ?, ?)",
                recipient, value.caseId(), OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
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

    /** Short, as chat messages are: the reference, the live expected wait (as on every channel), the promised time. */
    String text(Case value) {
        StringBuilder text = new StringBuilder("Thanks, we have your message. Your reference is ").append(value.caseId()).append(". ");
        text.append(expectedWaits.sentenceFor(value)).append('.');
        if (value.sla() != null && value.sla().firstResponseDue() != null) {
            text.append(" We will answer by ").append(dueFormat.format(value.sla().firstResponseDue())).append(" at the latest.");
        }
        return text.toString();
    }
}
