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

/**
 * The broker goes away: senders get 503 and nothing is acknowledged, but what was stored is kept in the outbox; once
 * the broker is back, the sweeper or the sender's retry publishes it, once, as the same case.
 */
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
            // nothing acknowledged, nothing discarded: the message waits in the outbox, released for the sweeper or a retry
            assertThat(jdbc.queryForObject("select count(*) from cb_idempotency_key k join cb_message m on m.message_id = k.message_id"
                    + " join cb_outbox o on o.message_id = m.message_id where k.idempotency_key = ? and m.delivery_state = 'pending'",
                    Integer.class, key)).isEqualTo(1);
        } finally {
            connector.start();
        }

        // the case accepted before the outage is still there
        assertThat(probe.receive(QUEUE, "CasebridgeCaseId = '" + acceptedCase + "'", 5000)).hasSize(1);

        // the sender's retry with the same key now goes through (a 409 while the sweeper is publishing it), exactly once
        HttpResponse<String> retried = Awaitility.await("the retry accepted").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> http.post("/api/v1/messages", "application/json", during, Map.of("X-Api-Key", API_KEY, "Idempotency-Key", key)),
                        response -> response.statusCode() == 202);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        String retriedCase = mapper.readTree(retried.body()).get("caseId").asText();
        assertThat(probe.receive(QUEUE, "CasebridgeCaseId = '" + retriedCase + "'", 5000)).hasSize(1);
        assertThat(jdbc.queryForObject("select count(*) from cb_case where case_id = ?", Integer.class, retriedCase)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from cb_outbox o join cb_idempotency_key k on k.message_id = o.message_id"
                + " where k.idempotency_key = ?", Integer.class, key)).isZero();
        probe.drain(QUEUE);
    }

    @Test
    void sweeperPublishesWhatACrashLeftBetweenCommitAndPublish() throws Exception {
        Http http = new Http(port);
        BrokerProbe probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
        HttpResponse<String> accepted = http.post("/api/v1/messages", "application/json", body("left in the outbox"), Map.of("X-Api-Key", API_KEY));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String caseId = mapper.readTree(accepted.body()).get("caseId").asText();
        String messageId = mapper.readTree(accepted.body()).get("messageId").asText();
        probe.drain(QUEUE);

        // as if the instance had died after the commit and before the publish: pending, its claim run out
        jdbc.update("update cb_message set delivery_state = 'pending', published_at = null where message_id = ?", messageId);
        jdbc.update("insert into cb_outbox (message_id, case_id, created_at, claimed_by, claimed_until, attempts)"
                + " values (?, ?, current_timestamp, 'a-dead-instance', current_timestamp - interval '1' second, 1)", messageId, caseId);

        assertThat(probe.receive(QUEUE, "CasebridgeMessageId = '" + messageId + "'", 10_000)).hasSize(1);
        Awaitility.await("marked published").atMost(Duration.ofSeconds(5)).until(() ->
                jdbc.queryForObject("select delivery_state from cb_message where message_id = ?", String.class, messageId).equals("published"));
        assertThat(jdbc.queryForObject("select count(*) from cb_outbox where message_id = ?", Integer.class, messageId)).isZero();
        assertThat(probe.count(QUEUE, "CasebridgeMessageId = '" + messageId + "'")).isZero();
    }

    private static byte[] body(String text) {
        return ("{\"sender\": {\"email\": \"tenant@example.org\"}, \"text\": \"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
