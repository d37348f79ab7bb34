package org.casebridge.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.jms.TextMessage;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.cases.ThreadIndex;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole email conversation against the sandbox mail server: mail in, case on the queue, acknowledgement out, the
 * back office's reply out with its threading headers, the customer's answer back into the same case.
 */
class EmailConversationTests extends BridgeTest {

    private static final String QUEUE = "casebridge.cases.new";
    private static final String BACKOFFICE_KEY = "backoffice-key-change-me";

    @LocalServerPort
    int port;
    @Autowired
    EmailSandbox sandbox;
    @Autowired
    BrokerService broker;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;

    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
    }

    private MimeMessage mail(String from, String subject, String text) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(infrastructure.smtp()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("support@casebridge.local"));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        return message;
    }

    private JsonNode awaitCase(String messageId) throws Exception {
        String externalId = ThreadIndex.normaliseRef(messageId);
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

    private List<MimeMessage> awaitMailTo(String address, int count) throws Exception {
        return Awaitility.await(count + " mails to " + address).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> mailsTo(address), found -> found.size() >= count);
    }

    private List<MimeMessage> mailsTo(String address) {
        GreenMail greenMail = sandbox.greenMail();
        return Arrays.stream(greenMail.getReceivedMessages())
                .filter(m -> {
                    try {
                        return Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().contains(address));
                    } catch (Exception e) {
                        return false;
                    }
                }).toList();
    }

    @Test
    void conversationStaysInOneCase() throws Exception {
        String customer = "tenant-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        MimeMessage first = mail(customer, "No hot water", "The boiler stopped this morning.");
        Transport.send(first);
        JsonNode opened = awaitCase(first.getMessageID());
        String caseId = opened.get("caseId").asText();

        // the acknowledgement: at once, automatic, with the reference
        MimeMessage ack = awaitMailTo(customer, 1).get(0);
        assertThat(ack.getSubject()).contains("[" + caseId + "]");
        assertThat(ack.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(ack.getHeader("In-Reply-To", null)).isEqualTo(first.getMessageID());
        assertThat((String) ack.getContent()).contains(caseId);

        // the back office answers through the API
        HttpResponse<String> queued = new Http(port).post("/api/v1/cases/" + caseId + "/replies", "application/json",
                "{\"text\": \"An engineer will come on Tuesday between 9:00 and 13:00.\", \"kind\": \"message\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", BACKOFFICE_KEY));
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        List<MimeMessage> received = awaitMailTo(customer, 2);
        MimeMessage reply = received.stream().filter(m -> {
            try {
                return m.getHeader("Auto-Submitted") == null;
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertThat(reply.getSubject()).contains("[" + caseId + "]");
        assertThat(reply.getHeader("In-Reply-To", null)).isEqualTo(first.getMessageID());
        assertThat(reply.getHeader("References", null)).contains(first.getMessageID());
        assertThat((String) reply.getContent()).contains("Tuesday between 9:00 and 13:00");

        // the case shows the reply and its delivery
        JsonNode view = mapper.readTree(new Http(port).get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", BACKOFFICE_KEY)).body());
        assertThat(view.get("deliveries").findValuesAsText("status")).contains("sent");
        assertThat(view.get("messages").findValuesAsText("direction")).contains("inbound", "outbound");

        // the customer answers the reply: the answer joins the same case
        MimeMessage answer = mail(customer, "Re: " + reply.getSubject(), "Tuesday is fine, thank you.");
        answer.setHeader("In-Reply-To", reply.getMessageID());
        answer.setHeader("References", first.getMessageID() + " " + reply.getMessageID());
        Transport.send(answer);
        JsonNode joined = awaitCase(answer.getMessageID());
        assertThat(joined.get("caseId").asText()).isEqualTo(caseId);
        assertThat(joined.at("/thread/method").asText()).isEqualTo("header");
        assertThat(joined.at("/body/latest").asText()).isEqualTo("Tuesday is fine, thank you.");

        // no second acknowledgement for a message that joined the case: nothing may come for half a second
        Awaitility.await("no second acknowledgement").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> mailsTo(customer).size() == 2);
        assertThat(awaitMailTo(customer, 2)).hasSize(2);
    }

    @Test
    void autoReplyToTheAcknowledgementTriggersNothing() throws Exception {
        String customer = "away-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        MimeMessage first = mail(customer, "Rent query", "Please check my rent account.");
        Transport.send(first);
        String caseId = awaitCase(first.getMessageID()).get("caseId").asText();
        MimeMessage ack = awaitMailTo(customer, 1).get(0);

        MimeMessage outOfOffice = mail(customer, "Automatic reply: " + ack.getSubject(), "I am on holiday until Monday.");
        outOfOffice.setHeader("Auto-Submitted", "auto-replied");
        outOfOffice.setHeader("In-Reply-To", ack.getMessageID());
        Transport.send(outOfOffice);

        JsonNode autoReply = awaitCase(outOfOffice.getMessageID());
        assertThat(autoReply.get("caseId").asText()).isEqualTo(caseId);
        assertThat(autoReply.get("kind").asText()).isEqualTo("auto-reply");
        // nothing may come for a second
        Awaitility.await("no acknowledgement of the auto-reply").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> mailsTo(customer).size() == 1);
        assertThat(awaitMailTo(customer, 1)).as("no acknowledgement of the auto-reply").hasSize(1);
        assertThat(jdbc.queryForObject("select count(*) from cb_acknowledgement where recipient = ?", Integer.class, customer)).isEqualTo(1);
    }
}
