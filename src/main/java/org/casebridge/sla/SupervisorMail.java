package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;

/** Turns an SLA event into the mail supervisors get: what happened to which case, and when it was or is due. */
@Component("supervisorMail")
public class SupervisorMail {

    private final ObjectMapper mapper;
    private final String fromAddress;
    private final String fromName;
    private final String to;
    private final DateTimeFormatter format;
    private final Session session = Session.getInstance(new Properties());
    private final Clock clock;

    // the mail goes out under the outbox's sender: read from its settings, not its class, so sla needs no email channel
    public SupervisorMail(ObjectMapper mapper, @Value("${casebridge.email.outbox.from-address:support@casebridge.local}") String fromAddress,
                          @Value("${casebridge.email.outbox.from-name:#{null}}") String fromName,
                          @Value("${casebridge.sla.supervisors.email-to:}") String to,
                          @Value("${casebridge.sla.supervisors.time-zone}") ZoneId zone, Clock clock) {
        this.clock = clock;
        this.mapper = mapper;
        this.fromAddress = fromAddress;
        this.fromName = fromName;
        this.to = to == null ? "" : to.strip();
        this.format = DateTimeFormatter.ofPattern("EEEE d MMMM 'at' HH:mm", Locale.UK).withZone(zone);
    }

    /** Route step: the event JSON in the body becomes the mail to send, or null when no supervisor address is configured. */
    public void compose(Exchange exchange) throws IOException, MessagingException {
        if (to.isEmpty()) {
            exchange.getMessage().setBody(null);
            return;
        }
        JsonNode event = mapper.readTree(exchange.getMessage().getBody(String.class));
        String caseId = event.path("caseId").asText();
        boolean breached = SlaEvents.BREACHED.equals(event.path("type").asText());
        String clock = event.path("clock").asText().replace('-', ' ');
        String due = format.format(Instant.parse(event.path("dueAt").asText()));
        String category = event.hasNonNull("category") ? ", " + event.path("category").asText() : "";
        String subject = (breached ? "SLA breached: " : "SLA warning: ") + caseId + " (" + event.path("priority").asText() + category
                + ", " + event.path("channel").asText() + ")";
        StringBuilder text = new StringBuilder();
        text.append("Case ").append(caseId).append(" (").append(event.path("channel").asText()).append(", priority ")
                .append(event.path("priority").asText()).append(category).append(")\n\n");
        text.append(breached ? "The " + clock + " was due on " + due + " and no reply has gone out.\n"
                : "The " + clock + " is due on " + due + " and no reply has gone out yet.\n");
        if (event.path("chaseCount").asInt() > 0) {
            text.append("The customer has chased ").append(event.path("chaseCount").asInt()).append(" time(s).\n");
        }
        text.append("\nTarget: ").append(event.path("target").asText()).append(" (").append(event.path("targetHours").asText()).append(" hours)\n");
        text.append("Event: ").append(event.path("eventId").asText()).append("\n\nThis is an automatic message from casebridge.");
        MimeMessage mail = new MimeMessage(session);
        try {
            mail.setFrom(new InternetAddress(fromAddress, fromName, StandardCharsets.UTF_8.name()));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        mail.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
        mail.setSubject(subject, StandardCharsets.UTF_8.name());
        mail.setSentDate(Date.from(this.clock.instant()));
        // nobody should answer a notification automatically, and no auto-responder should answer it
        mail.setHeader("Auto-Submitted", "auto-generated");
        mail.setHeader("X-Auto-Response-Suppress", "All");
        mail.setText(text.toString(), StandardCharsets.UTF_8.name());
        mail.saveChanges();
        exchange.getMessage().setBody(mail);
    }
}
