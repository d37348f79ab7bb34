package org.casebridge.channel.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.CasebridgeApplication;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two bridges sharing one database and one broker, as in production: the visitor writes to instance A and listens
 * on instance B's stream; the back office answers through instance A; the reply reaches the visitor through B.
 */
class WebchatInstancesTests extends WebchatBridgeTest {

    @Autowired
    BrokerService broker;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void replySentThroughOneInstanceReachesTheStreamOnAnother() throws Exception {
        int portB = TestInfrastructure.freePort();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("server.port", portB);
        // the same database (H2 file in the shared data folder) and the same broker as instance A
        settings.put("casebridge.data-dir", infrastructure.dataDir().toString());
        settings.put("casebridge.broker.url", new BrokerProbe(broker).url());
        settings.put("casebridge.email.sandbox.enabled", false);
        settings.put("CASEBRIDGE_MAIL_PORT", infrastructure.imap());
        settings.put("CASEBRIDGE_SMTP_PORT", infrastructure.smtp());
        settings.put("camel.main.name", "casebridge-webchat-b-" + portB);
        settings.put("spring.jmx.unique-names", true);
        settings.put("camel.main.routes-reload-enabled", false);
        settings.put("casebridge.channels.webchat.poll-interval", "100ms");
        // as command-line arguments: they win over config/application.yaml, as a second instance's environment would
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        try (ConfigurableApplicationContext instanceB = new SpringApplicationBuilder(CasebridgeApplication.class).run(args)) {
            Http a = new Http(PORT);
            String token = newVisitor(a, mapper);
            String clientId = UUID.randomUUID().toString();
            assertThat(postMessage(a, token, "{\"text\": \"Graffiti on the garages\", \"clientMessageId\": \"" + clientId + "\"}", Map.of())
                    .statusCode()).isEqualTo(200);
            String caseId = jdbc.queryForObject("select case_id from cb_message where external_id = ?", String.class,
                    WebchatVisitors.visitorIdOf(token) + ":" + clientId);

            String streamOnB = "http://127.0.0.1:" + portB + "/webchat/v1/events?site=" + SITE + "&key=" + KEY + "&token="
                    + URLEncoder.encode(token, StandardCharsets.UTF_8);
            try (SseClient stream = new SseClient(streamOnB, Map.of())) {
                assertThat(stream.status()).isEqualTo(200);
                assertThat(stream.next(15_000)).as("the acknowledgement").isNotNull();

                HttpResponse<String> reply = a.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                        "{\"text\": \"Cleaners are booked for Friday.\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", BACKOFFICE_KEY));
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
                String replyId = mapper.readTree(reply.body()).get("replyId").asText();

                SseClient.Event event = stream.next(15_000);
                assertThat(event).isNotNull();
                JsonNode data = mapper.readTree(event.data());
                assertThat(data.get("id").asText()).isEqualTo(replyId);
                assertThat(data.get("text").asText()).isEqualTo("Cleaners are booked for Friday.");
                assertThat(instanceB.getBean(WebchatStreams.class).openStreams()).isEqualTo(1);

                String status = Awaitility.await("reply delivered").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> jdbc.queryForList("select delivery_status from cb_message where message_id = ?", String.class, replyId)
                                .stream().findFirst().orElse(null), "delivered"::equals);
                assertThat(status).isEqualTo("delivered");
            }
        }
    }
}
