package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.TextMessage;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.channel.email.EmailSandbox;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chasers across two channels (web form, then email from the same person) and the first-response clock, against the
 * real bridge: HTTP, GreenMail, broker and database.
 */
class ChaserAndFirstResponseTests extends BridgeTest {

    private static final String QUEUE = "casebridge.cases.new";

    @LocalServerPort
    int port;
    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    EmailSandbox sandbox;

    Http http;
    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
    }

    @Test
    void anEmailChasingAWebFormCaseBeforeItsFirstResponseRaisesItsPriorityInsteadOfOpeningACase() throws Exception {
        String email = "chaser-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String caseId = postWebform(email, "Garden fence", "The garden fence blew down in the storm.");
        assertThat(priorityOf(caseId)).isEqualTo("P3");
        String due = jdbc.queryForObject("select first_response_due from cb_case where case_id = ?", String.class, caseId);

        String messageId = sendMail(email, "Any news?", "I reported the fence yesterday, nobody has answered.");
        JsonNode chase = awaitEmailCase(messageId);

        assertThat(chase.get("caseId").asText()).as("joins the open case").isEqualTo(caseId);
        assertThat(chase.at("/thread/method").asText()).isEqualTo("customer");
        assertThat(chase.get("priority").asText()).isEqualTo("P2");
        assertThat(priorityOf(caseId)).isEqualTo("P2");
        assertThat(jdbc.queryForObject("select count(*) from cb_case where lower(customer_email) = ?", Integer.class, email))
                .as("no second case").isEqualTo(1);
        assertThat(jdbc.queryForObject("select chase_count from cb_case where case_id = ?", Integer.class, caseId)).isEqualTo(1);
        // P2's target is shorter than P3's: the deadline moved forward
        assertThat(jdbc.queryForObject("select first_response_due < ? from cb_case where case_id = ?", Boolean.class,
                java.time.OffsetDateTime.parse(due.replace(' ', 'T')), caseId)).isTrue();
        // the customer is now a participant on the email channel too
        assertThat(jdbc.queryForObject("select count(*) from cb_case_participant where case_id = ? and channel = 'email' and address = ?",
                Integer.class, caseId, email)).isEqualTo(1);

        // a message that does not read as chasing is about something else: a case of its own
        JsonNode other = awaitEmailCase(sendMail(email, "Bins", "The bins were not collected."));
        assertThat(other.get("caseId").asText()).isNotEqualTo(caseId);
        assertThat(other.at("/thread/method").asText()).isEqualTo("new");
        jdbc.update("update cb_case set status = 'closed' where case_id = ?", other.get("caseId").asText());

        // a second chase raises it again
        awaitEmailCase(sendMail(email, "Hello??", "Still waiting."));
        assertThat(priorityOf(caseId)).isEqualTo("P1");
    }

    @Test
    void theAcknowledgementDoesNotStopTheFirstResponseClockButAHumanReplyDoes() throws Exception {
        String email = "clock-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String caseId = awaitEmailCase(sendMail(email, "Shed door", "The shed door is off its hinges.")).get("caseId").asText();

        // the acknowledgement went out (an automatic reply) and tells the expected wait
        MimeMessage ack = awaitMail(email, 1).get(0);
        assertThat(ack.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
        assertThat((String) ack.getContent()).containsPattern("We (usually|aim to) reply to emails within [0-9a-z ]+\\.");
        awaitStatus(caseId, "auto-reply");
        assertThat(jdbc.queryForObject("select first_response_at from cb_case where case_id = ?", Object.class, caseId))
                .as("an acknowledgement is not a response").isNull();

        HttpResponse<String> reply = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                "{\"text\": \"We will send someone on Thursday.\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "backoffice-key-change-me"));
        assertThat(reply.statusCode()).isEqualTo(202);
        awaitMail(email, 2);
        Awaitility.await("first response recorded").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForObject("select first_response_at from cb_case where case_id = ?", Object.class, caseId) != null);
        assertThat(jdbc.queryForObject("select first_response_at from cb_case where case_id = ?", Object.class, caseId)).isNotNull();

        // answered: even a chasing message is no chase any more; with no reference to the case it opens a new one
        JsonNode later = awaitEmailCase(sendMail(email, "Another thing", "Still waiting for the gutter to be cleared."));
        assertThat(later.get("caseId").asText()).isNotEqualTo(caseId);
        assertThat(later.at("/thread/method").asText()).isEqualTo("new");
    }

    private void awaitStatus(String caseId, String kind) throws InterruptedException {
        Awaitility.await(kind + " sent on " + caseId).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'outbound'"
                        + " and kind = ? and delivery_status = 'sent'", Integer.class, caseId, kind), sent -> sent != null && sent > 0);
    }

    private String priorityOf(String caseId) {
        return jdbc.queryForObject("select priority from cb_case where case_id = ?", String.class, caseId);
    }

    private String postWebform(String email, String subject, String text) throws Exception {
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("name", "Pat Chaser", "email", email),
                "subject", subject, "text", text));
        HttpResponse<String> response = http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", API_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("caseId").asText();
    }

    private String sendMail(String from, String subject, String text) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(infrastructure.smtp()));
        String messageId = "<" + UUID.randomUUID() + "@tenant.example.org>";
        MimeMessage message = new MimeMessage(Session.getInstance(props)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("support@casebridge.local"));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        Transport.send(message);
        return messageId;
    }

    private JsonNode awaitEmailCase(String messageId) throws Exception {
        String externalId = messageId.substring(1, messageId.length() - 1);
        for (int attempt = 0; attempt < 30; attempt++) {
            for (jakarta.jms.Message m : probe.receive(QUEUE, "CasebridgeChannel = 'email'", 1000)) {
                JsonNode json = mapper.readTree(((TextMessage) m).getText());
                if (externalId.equals(json.at("/source/externalId").asText())) {
                    return json;
                }
            }
        }
        throw new AssertionError("no case for " + messageId);
    }

    private java.util.List<MimeMessage> awaitMail(String address, int count) throws Exception {
        return Awaitility.await(count + " mails to " + address).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> Arrays.stream(sandbox.greenMail().getReceivedMessages()).filter(m -> {
                    try {
                        return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().contains(address));
                    } catch (Exception e) {
                        return false;
                    }
                }).toList(), mails -> mails.size() >= count);
    }
}
