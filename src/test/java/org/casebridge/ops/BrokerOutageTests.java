package org.casebridge.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.TransportConnector;
import org.awaitility.Awaitility;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker goes away: senders get 503 and nothing is acknowledged; once it is back, nothing was lost. */
class BrokerOutageTests extends BridgeTest {

    private static final String QUEUE = "casebridge.cases.new";

    @LocalServerPort
    int port;
    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;

    @Test
    void answers503WhileBrokerIsDownAndLosesNothing() throws Exception {
        Http http = new Http(port);
        BrokerProbe probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
        byte[] before = body("accepted before the outage");
        HttpResponse<String> accepted = http.post("/api/v1/messages", "application/json", before, Map.of("X-Api-Key", API_KEY));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String acceptedCase = mapper.readTree(accepted.body()).get("caseId").asText();

        // the broker becomes unreachable: its TCP connector closes every connection and stops listening
        TransportConnector connector = broker.getTransportConnectors().get(0);
        connector.stop();
        String key = UUID.randomUUID().toString();
        byte[] during = body("sent during the outage");
        try {
            HttpResponse<String> refused = http.post("/api/v1/messages", "application/json", during,
                    Map.of("X-Api-Key", API_KEY, "Idempotency-Key", key));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(mapper.readTree(refused.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:broker-unavailable");
            // nothing acknowledged, nothing half-stored
            assertThat(jdbc.queryForObject("select count(*) from cb_message where delivery_state = 'pending' and channel = 'webform'",
                    Integer.class)).isZero();
            assertThat(jdbc.queryForObject("select count(*) from cb_idempotency_key where idempotency_key = ?", Integer.class, key)).isZero();
        } finally {
            connector.start();
        }

        // the case accepted before the outage is still there
        assertThat(probe.receive(QUEUE, "CasebridgeCaseId = '" + acceptedCase + "'", 5000)).hasSize(1);

        // the sender's retry with the same key now goes through, exactly once
        HttpResponse<String> retried = Awaitility.await("the retry accepted").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> http.post("/api/v1/messages", "application/json", during, Map.of("X-Api-Key", API_KEY, "Idempotency-Key", key)),
                        response -> response.statusCode() == 202);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        String retriedCase = mapper.readTree(retried.body()).get("caseId").asText();
        assertThat(probe.receive(QUEUE, "CasebridgeCaseId = '" + retriedCase + "'", 5000)).hasSize(1);
        probe.drain(QUEUE);
    }

    private static byte[] body(String text) {
        return ("{\"sender\": {\"email\": \"tenant@example.org\"}, \"text\": \"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
