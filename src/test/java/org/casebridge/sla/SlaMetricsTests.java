package org.casebridge.sla;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The SLA meters (exported at /actuator/prometheus), and the status API that pauses a case's clocks. */
class SlaMetricsTests extends BridgeTest {

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void prometheusShowsCasesIngestLatencyFirstResponsesSlaMetAndParity() throws Exception {
        // the meters are shared with every other test of this context (some post messages sent long ago): measure
        // what this test's own message adds, never a maximum or a total that other tests also feed
        io.micrometer.core.instrument.Timer before = registry.find("casebridge.ingest.latency").tag("channel", "webform").timer();
        long samplesBefore = before == null ? 0 : before.count();
        double secondsBefore = before == null ? 0 : before.totalTime(java.util.concurrent.TimeUnit.SECONDS);
        double openedBefore = opened();
        long responsesBefore = firstResponses();
        Http http = new Http(port);
        String email = "metrics-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("email", email), "subject", "Damp",
                "text", "There is black mould in the bedroom.", "sentAt", Instant.now().minusSeconds(3).toString()));
        HttpResponse<String> posted = http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", API_KEY));
        assertThat(posted.statusCode()).isEqualTo(202);
        String caseId = mapper.readTree(posted.body()).get("caseId").asText();
        HttpResponse<String> reply = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                "{\"text\": \"A surveyor will visit on Monday.\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", "backoffice-key-change-me"));
        assertThat(reply.statusCode()).isEqualTo(202);
        // the clock is stopped and the meter recorded just after the reply is taken: wait for both
        for (int i = 0; i < 100 && (jdbc.queryForObject("select first_response_at from cb_case where case_id = ?", Object.class, caseId) == null
                || firstResponses() == responsesBefore); i++) {
            Thread.sleep(100);
        }

        // the meters /actuator/prometheus exports (Spring Boot's tests switch the exporter itself off)
        assertThat(opened() - openedBefore).as("this test's case, triaged P2 for mould").isEqualTo(1.0);
        io.micrometer.core.instrument.Timer latency = registry.get("casebridge.ingest.latency").tag("channel", "webform").timer();
        assertThat(latency.count() - samplesBefore).as("this test's message is one latency sample").isEqualTo(1);
        assertThat(latency.totalTime(java.util.concurrent.TimeUnit.SECONDS) - secondsBefore).as("sent 3 s before it was posted")
                .isBetween(2.0, 600.0);
        assertThat(firstResponses() - responsesBefore).as("the reply to this test's case").isEqualTo(1);
        double met = registry.get("casebridge.sla.met.ratio").tag("channel", "webform").gauge().value();
        assertThat(Double.isNaN(met) || (met >= 0 && met <= 1)).isTrue();
        assertThat(registry.get("casebridge.sla.parity.ratio").gauge()).isNotNull();
    }

    private double opened() {
        io.micrometer.core.instrument.Counter counter = registry.find("casebridge.cases.opened").tag("channel", "webform").tag("priority", "P2").counter();
        return counter == null ? 0 : counter.count();
    }

    private long firstResponses() {
        io.micrometer.core.instrument.Timer timer = registry.find("casebridge.first.response").tag("channel", "webform").timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void aTrustedSystemPausesAndResumesACasesClocks() throws Exception {
        Http http = new Http(port);
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("email", "pause-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.org"), "subject", "Door", "text", "The front door sticks."));
        String caseId = mapper.readTree(http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", API_KEY)).body()).get("caseId").asText();

        HttpResponse<String> refused = http.post("/api/v1/cases/" + caseId + "/status", "application/json",
                "{\"status\": \"waiting-on-customer\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", API_KEY));
        assertThat(refused.statusCode()).isEqualTo(403);

        HttpResponse<String> paused = http.post("/api/v1/cases/" + caseId + "/status", "application/json",
                "{\"status\": \"waiting-on-customer\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", "backoffice-key-change-me"));
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(mapper.readTree(paused.body()).get("status").asText()).isEqualTo("waiting-on-customer");
        assertThat(mapper.readTree(paused.body()).get("pausedAt").isNull()).isFalse();

        HttpResponse<String> bad = http.post("/api/v1/cases/" + caseId + "/status", "application/json",
                "{\"status\": \"sleeping\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", "backoffice-key-change-me"));
        assertThat(bad.statusCode()).isEqualTo(400);

        HttpResponse<String> resumed = http.post("/api/v1/cases/" + caseId + "/status", "application/json",
                "{\"status\": \"open\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", "backoffice-key-change-me"));
        assertThat(mapper.readTree(resumed.body()).get("status").asText()).isEqualTo("open");
        assertThat(mapper.readTree(resumed.body()).get("pausedAt").isNull()).isTrue();
    }
}
