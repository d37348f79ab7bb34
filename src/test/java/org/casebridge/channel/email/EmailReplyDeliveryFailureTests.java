package org.casebridge.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox's SMTP server is down: the reply is retried, then lands on casebridge.replies.dlq, and the case says
 * the reply failed and why.
 * <p>
 * A bridge of its own, whose outbox points at a port nobody listens on. Like the other tests with a context of their
 * own, it does not extend BridgeTest: that would replace BridgeTest's shared sandbox ports, which the tests on the
 * shared context read.
 */
@BridgeContext("smtp-down")
class EmailReplyDeliveryFailureTests {

    private static final int CLOSED_PORT = TestInfrastructure.freePort();

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

    @DynamicPropertySource
    static void smtpDown(DynamicPropertyRegistry registry) {
        registry.add("casebridge.email.outbox.port", () -> CLOSED_PORT);
    }

    @Test
    void deadLettersReplyAndReportsTheFailureOnTheCaseWhenTheSmtpServerIsDown() throws Exception {
        Http http = new Http(port);
        String email = "tenant-smtp-down@example.org";
        HttpResponse<String> opened = http.post("/api/v1/messages", "application/json", """
                {"sender": {"name": "Amira Hassan", "email": "%s"}, "subject": "Leaking tap", "text": "Still leaking."}
                """.formatted(email).getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", "demo-key-change-me"));
        String caseId = mapper.readTree(opened.body()).get("caseId").asText();

        HttpResponse<String> replied = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                "{\"text\": \"A plumber will come on Thursday.\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "backoffice-key-change-me"));
        // accepted: the reply is durably queued, delivery is the reply flow's business
        assertThat(replied.statusCode()).isEqualTo(202);
        String replyId = mapper.readTree(replied.body()).get("replyId").asText();

        BrokerProbe probe = new BrokerProbe(broker);
        List<Message> dead = probe.receive("casebridge.replies.dlq", "CasebridgeReplyId = '" + replyId + "'", 20_000);
        assertThat(dead).hasSize(1);
        // the transacted consumer committed the move: the reply is off the queue, not waiting for the broker's redelivery
        assertThat(probe.count("casebridge.replies", null)).isZero();
        Message message = dead.get(0);
        assertThat(message.getStringProperty("CasebridgeFailureReason")).contains("127.0.0.1").contains(String.valueOf(CLOSED_PORT));
        assertThat(message.getStringProperty("CasebridgeFailureRouteId")).isEqualTo("case-replies-to-customer");
        JsonNode original = mapper.readTree(((TextMessage) message).getText());
        assertThat(original.get("replyId").asText()).isEqualTo(replyId);
        assertThat(original.get("text").asText()).isEqualTo("A plumber will come on Thursday.");

        Map<String, Object> row = awaitFailed(replyId);
        assertThat((String) row.get("delivery_detail")).contains(String.valueOf(CLOSED_PORT)).contains("Connection refused");
        assertThat(row.get("delivery_state")).isEqualTo("unsent");
        assertThat(row.get("delivery_updated_at")).isNotNull();
        // nothing went out, and the case reports the failed reply with its reason
        assertThat(sandbox.greenMail().getReceivedMessages()).noneMatch(m -> recipientIs(m, email));
        JsonNode view = mapper.readTree(http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", "demo-key-change-me")).body());
        assertThat(view.get("messageCount").asInt()).isEqualTo(2);
        JsonNode delivery = view.get("deliveries").get(0);
        assertThat(delivery.get("messageId").asText()).isEqualTo(replyId);
        assertThat(delivery.get("status").asText()).isEqualTo("failed");
        assertThat(delivery.get("detail").asText()).contains("Connection refused");
    }

    private Map<String, Object> awaitFailed(String replyId) throws InterruptedException {
        return Awaitility.await("reply " + replyId + " marked failed").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForList("select * from cb_message where message_id = ?", replyId),
                        rows -> !rows.isEmpty() && "failed".equals(rows.get(0).get("delivery_status")))
                .get(0);
    }

    private static boolean recipientIs(jakarta.mail.internet.MimeMessage message, String address) {
        try {
            return message.getAllRecipients() != null && java.util.Arrays.stream(message.getAllRecipients())
                    .anyMatch(a -> a.toString().contains(address));
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
