package org.casebridge.replies;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.awaitility.Awaitility;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.casebridge.cases.Recipients;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.cases.ThreadMethod;
import org.casebridge.cases.Trust;
import org.casebridge.support.Http;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Cases to reply to, a back office writing to the queue, and the customer's mailbox in the sandbox, for the reply tests. */
public final class ReplyFixtures {

    /** The demo back-office client's key from config/application.yaml (trusted-identity: true). */
    public static final String BACKOFFICE_KEY = "backoffice-key-change-me";
    static final String JSON = "application/json";

    private ReplyFixtures() {
    }

    /** Opens a case through the web form API, as the untrusted demo client, and returns its id. */
    static String openWebformCase(Http http, ObjectMapper mapper, String apiKey, String email, String subject) throws Exception {
        String body = """
                {"sender": {"name": "Amira Hassan", "email": "%s"}, "subject": "%s", "text": "The kitchen tap leaks."}
                """.formatted(email, subject);
        HttpResponse<String> response = http.post("/api/v1/messages", JSON, body.getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", apiKey));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("caseId").asText();
    }

    /** Posts a reply to case {@code caseId} with the given client key. */
    public static HttpResponse<String> postReply(Http http, String caseId, String apiKey, String body, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("X-Api-Key", apiKey));
        all.putAll(headers);
        return http.post("/api/v1/cases/" + caseId + "/replies", JSON, body.getBytes(StandardCharsets.UTF_8), all);
    }

    /** Stores a case directly, as another channel's flow would have: the case row only. */
    static String insertCase(JdbcTemplate jdbc, Channel channel, String subject) {
        String caseId = CaseIds.newCaseId();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.update("insert into cb_case (case_id, channel, status, subject, priority, created_at, updated_at) values (?, ?, 'open', ?, 'P3', ?, ?)",
                caseId, channel.wireName(), subject, now, now);
        return caseId;
    }

    /** Stores a published inbound message on the case, as an inbound flow would have. */
    static Case insertInbound(JdbcTemplate jdbc, ObjectMapper mapper, Case value) throws Exception {
        jdbc.update("insert into cb_message (message_id, case_id, direction, kind, channel, received_at, external_id, delivery_state,"
                        + " published_at, payload) values (?, ?, 'inbound', ?, ?, ?, ?, 'published', ?, ?)",
                value.messageId(), value.caseId(), value.kind().wireName(), value.channel().wireName(),
                OffsetDateTime.ofInstant(value.receivedAt(), ZoneOffset.UTC), value.source().externalId(),
                OffsetDateTime.ofInstant(value.receivedAt(), ZoneOffset.UTC), mapper.writeValueAsString(value));
        return value;
    }

    /** An inbound email as the email channel makes it (Message-IDs without angle brackets). */
    static Case inboundEmail(String caseId, Instant receivedAt, MessageKind kind, String from, String replyTo, String messageId,
                             List<String> references) {
        return new Case(Case.SCHEMA_VERSION, caseId, CaseIds.newMessageId(), Channel.EMAIL, Direction.INBOUND, kind,
                receivedAt.truncatedTo(ChronoUnit.MILLIS), null, new Customer("Amira Hassan", from, null, null, null, null, null),
                "Boiler broken", new Body("No hot water.", "No hot water.", null), List.of(),
                new Recipients(List.of(new EmailAddress(null, "support@casebridge.local")), List.of(),
                        replyTo == null ? List.of() : List.of(new EmailAddress("Amira at home", replyTo))),
                new CaseThread(ThreadMethod.HEADER, 1.0, references.isEmpty() ? null : references.get(references.size() - 1), references, null),
                new Source("support", messageId, null), Priority.P3, null, new Sla(null), new Trust(false, "none"));
    }

    /** An inbound message on a channel the bridge cannot answer yet. */
    static Case inboundWhatsapp(String caseId) {
        return new Case(Case.SCHEMA_VERSION, caseId, CaseIds.newMessageId(), Channel.WHATSAPP, Direction.INBOUND, MessageKind.MESSAGE,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null, new Customer("Amira Hassan", null, "+447911123456", null, "447911123456", null, null),
                null, new Body("Hello?", "Hello?", null), List.of(), null, new CaseThread(ThreadMethod.NEW, 1.0, null, List.of(), null),
                new Source("whatsapp:demo", "wamid.demo", null), Priority.P3, null, new Sla(null), new Trust(false, "none"));
    }

    /** Writes a reply to casebridge.replies as a back-office system would, and returns the JMS message id. */
    static String sendToQueue(String brokerUrl, String json, String caseId) throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory(org.casebridge.support.TestInfrastructure.BACKOFFICE_USER,
                org.casebridge.support.TestInfrastructure.BACKOFFICE_PASSWORD, brokerUrl).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("casebridge.replies"));
            TextMessage message = session.createTextMessage(json);
            if (caseId != null) {
                message.setStringProperty("CasebridgeCaseId", caseId);
            }
            producer.send(message);
            return message.getJMSMessageID();
        }
    }

    /** The mails the sandbox received for {@code address}, waiting up to {@code timeoutMs} for at least {@code count}. */
    static List<MimeMessage> awaitMails(GreenMail greenMail, String address, int count, long timeoutMs) throws Exception {
        return Awaitility.await(count + " mails to " + address).atMost(Duration.ofMillis(timeoutMs)).pollInterval(Duration.ofMillis(50))
                .until(() -> mailsTo(greenMail, address), found -> found.size() >= count);
    }

    static List<MimeMessage> mailsTo(GreenMail greenMail, String address) throws MessagingException {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            jakarta.mail.Address[] to = message.getRecipients(Message.RecipientType.TO);
            if (to != null && java.util.Arrays.stream(to).anyMatch(a -> ((InternetAddress) a).getAddress().equalsIgnoreCase(address))) {
                found.add(message);
            }
        }
        return found;
    }

    /** The outbound message's row once its delivery status is {@code status}, waiting up to ten seconds. */
    static Map<String, Object> awaitStatus(JdbcTemplate jdbc, String messageId, String status) throws InterruptedException {
        return Awaitility.await("message " + messageId + " reaching delivery status " + status).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> jdbc.queryForList("select * from cb_message where message_id = ?", messageId),
                        rows -> !rows.isEmpty() && status.equals(rows.get(0).get("delivery_status")))
                .get(0);
    }
}
