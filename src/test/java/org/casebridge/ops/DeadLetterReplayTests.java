package org.casebridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** POST /api/v1/admin/dlq/{queue}/replay with real dead letters on the embedded broker. */
class DeadLetterReplayTests extends BridgeTest {

    private static final String QUEUE = "casebridge.test.replay";

    @LocalServerPort
    int port;
    @Autowired
    CamelContext camel;
    @Autowired
    BrokerService broker;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    ObjectMapper mapper;

    @Test
    void replaysDeadLettersWithTheirBodyAndBusinessHeadersButNotTheFailure() throws Exception {
        BrokerProbe probe = new BrokerProbe(broker);
        // a flow that fails every message: three real dead letters on casebridge.test.replay.dlq
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:" + QUEUE).routeId("test-replay-consumer").routeConfigurationId("casebridge-error-handling")
                        .process(exchange -> {
                            throw new IllegalStateException("housing system offline");
                        });
            }
        });
        for (int i = 1; i <= 3; i++) {
            producer.sendBodyAndHeaders("jms:queue:" + QUEUE, "{\"n\": " + i + "}", Map.of("CasebridgeCaseId", "CB-7K3M9" + (char) ('P' + i), "JMSType", "casebridge.case.v1"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.count(QUEUE + ".dlq", null) == 3);
        camel.getRouteController().stopRoute("test-replay-consumer");
        camel.removeRoute("test-replay-consumer");

        Http http = new Http(port).as(TestInfrastructure.OPERATOR_USER, TestInfrastructure.USER_PASSWORD);
        HttpResponse<String> first = http.post("/api/v1/admin/dlq/" + QUEUE + "/replay?limit=2", "application/json", new byte[0], Map.of());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode result = mapper.readTree(first.body());
        assertThat(result.get("queue").asText()).isEqualTo(QUEUE);
        assertThat(result.get("moved").asInt()).isEqualTo(2);
        assertThat(result.get("remaining").asInt()).isEqualTo(1);

        HttpResponse<String> selected = http.post("/api/v1/admin/dlq/" + QUEUE + "/replay?selector="
                + java.net.URLEncoder.encode("CasebridgeCaseId = 'CB-NOTHERE'", java.nio.charset.StandardCharsets.UTF_8), "application/json", new byte[0], Map.of());
        assertThat(mapper.readTree(selected.body()).get("moved").asInt()).isZero();
        HttpResponse<String> rest = http.post("/api/v1/admin/dlq/" + QUEUE + "/replay", "application/json", new byte[0], Map.of());
        assertThat(mapper.readTree(rest.body()).get("moved").asInt()).isEqualTo(1);

        List<Message> replayed = probe.receive(QUEUE, null, 5000);
        assertThat(replayed).hasSize(3);
        replayed = replayed.stream().sorted(Comparator.comparing(m -> text(m))).toList();
        for (int i = 0; i < 3; i++) {
            Message message = replayed.get(i);
            assertThat(text(message)).isEqualTo("{\"n\": " + (i + 1) + "}");
            assertThat(message.getStringProperty("CasebridgeCaseId")).isEqualTo("CB-7K3M9" + (char) ('Q' + i));
            assertThat(message.getJMSType()).isEqualTo("casebridge.case.v1");
            assertThat(message.getStringProperty("CasebridgeFailureReason")).isNull();
            assertThat(message.getStringProperty("CasebridgeFailureRouteId")).isNull();
            assertThat(message.getObjectProperty("CasebridgeRedeliveries")).isNull();
            assertThat(message.getStringProperty("CasebridgeDeadLetterQueue")).isNull();
        }
        assertThat(probe.count(QUEUE + ".dlq", null)).isZero();
    }

    @Test
    void unknownQueueIsNotFoundAndADeadLetterQueueNameIsRefused() throws Exception {
        Http http = new Http(port).as(TestInfrastructure.OPERATOR_USER, TestInfrastructure.USER_PASSWORD);
        HttpResponse<String> unknown = http.post("/api/v1/admin/dlq/casebridge.no.such.queue/replay", "application/json", new byte[0], Map.of());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(mapper.readTree(unknown.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:queue-not-found");

        HttpResponse<String> dlq = http.post("/api/v1/admin/dlq/casebridge.replies.dlq/replay", "application/json", new byte[0], Map.of());
        assertThat(dlq.statusCode()).isEqualTo(400);
        assertThat(mapper.readTree(dlq.body()).get("detail").asText()).contains("casebridge.replies");

        HttpResponse<String> limit = http.post("/api/v1/admin/dlq/casebridge.replies/replay?limit=0", "application/json", new byte[0], Map.of());
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(mapper.readTree(limit.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-limit");
    }

    private static String text(Message message) {
        try {
            return ((TextMessage) message).getText();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
