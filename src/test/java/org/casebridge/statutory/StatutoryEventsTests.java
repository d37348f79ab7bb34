package org.casebridge.statutory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.MutableClock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warning and breach events per statutory milestone: claimed once by two instances looking at the same database at
 * the same (injected) time, and published by the bridge's timer route to casebridge.sla.events with the legal reference.
 */
class StatutoryEventsTests extends BridgeTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    StatutoryClocks clocks;
    @Autowired
    StatutoryRegimes regimes;
    @Autowired
    BrokerService broker;
    @Autowired
    CamelContext camel;

    private String post(String text) throws Exception {
        String email = "tenant-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("name", "Sam Tenant", "email", email), "subject", "Repair", "text", text));
        HttpResponse<String> response = new Http(port).post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", API_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("caseId").asText();
    }

    private List<JsonNode> ofCase(String caseId, List<String> a, List<String> b) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (String json : a) {
            JsonNode event = mapper.readTree(json);
            if (event.path("caseId").asText().equals(caseId)) {
                found.add(event);
            }
        }
        for (String json : b) {
            JsonNode event = mapper.readTree(json);
            if (event.path("caseId").asText().equals(caseId)) {
                found.add(event);
            }
        }
        return found;
    }

    @Test
    void twoInstancesClaimEachMilestonesWarningAndBreachOnceAtTheInjectedTime() throws Exception {
        // the timer route would be a third instance looking at the real time; this test moves its own clock
        camel.getRouteController().stopRoute("statutory-clock-to-events");
        try {
            String caseId = post("I want to make a formal complaint about the repair");
            StatutoryClock acknowledge = clocks.clocks(caseId).get(0);
            Instant warnAt = acknowledge.startedAt().plusMillis((long) (Duration.between(acknowledge.startedAt(), acknowledge.due()).toMillis() * 0.8));
            MutableClock clock = MutableClock.at(warnAt.minusSeconds(60));
            StatutoryEvents a = new StatutoryEvents(jdbc, mapper, Duration.ofMinutes(1), "instance-a", clock);
            StatutoryEvents b = new StatutoryEvents(jdbc, mapper, Duration.ofMinutes(1), "instance-b", clock);

            assertThat(ofCase(caseId, a.claimDue(), b.claimDue())).isEmpty();

            clock.set(warnAt.plusSeconds(1));
            List<JsonNode> warnings = ofCase(caseId, a.claimDue(), b.claimDue());
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).path("type").asText()).isEqualTo(StatutoryEvents.WARNING);
            assertThat(warnings.get(0).path("milestone").asText()).isEqualTo("acknowledge");
            assertThat(warnings.get(0).path("reference").asText()).contains("Complaint Handling Code");
            assertThat(Instant.parse(warnings.get(0).path("dueAt").asText())).isEqualTo(acknowledge.due());
            warnings.forEach(w -> a.markPublished(w.path("eventId").asText()));
            assertThat(ofCase(caseId, b.claimDue(), a.claimDue())).isEmpty();

            clock.set(acknowledge.due().plusSeconds(1));
            List<JsonNode> breaches = ofCase(caseId, b.claimDue(), a.claimDue());
            assertThat(breaches).extracting(e -> e.path("type").asText()).containsExactly(StatutoryEvents.BREACHED);
            breaches.forEach(e -> b.markPublished(e.path("eventId").asText()));
            assertThat(ofCase(caseId, a.claimDue(), b.claimDue())).isEmpty();
            assertThat(jdbc.queryForObject("select count(*) from cb_statutory_event where case_id = ?", Integer.class, caseId)).isEqualTo(2);

            // a milestone completed before its due raises nothing more
            String other = post("I want to make a formal complaint about the repair");
            StatutoryClock second = clocks.clocks(other).get(0);
            assertThat(clocks.complete(other, "complaint-handling-code", "acknowledge", second.startedAt().plusSeconds(60), "logged")).isTrue();
            clock.set(second.due().plusSeconds(1));
            assertThat(ofCase(other, a.claimDue(), b.claimDue())).isEmpty();
        } finally {
            camel.getRouteController().startRoute("statutory-clock-to-events");
        }
    }

    @Test
    void theTimerPublishesABreachToTheSlaEventsQueueWithItsLegalReference() throws Exception {
        String caseId = post("There is black mould spreading in my son's bedroom");
        StatutoryClock investigate = clocks.clocks(caseId).get(0);
        // a milestone started 30 days ago (as a back-office reclassification from an old awareness would): long overdue
        StatutoryRegimes.Regime awaab = regimes.regime("awaabs-law").orElseThrow();
        clocks.start(caseId, awaab, awaab.milestone("make-safe").orElseThrow(), "emergency", "test", investigate.startedAt().minus(Duration.ofDays(30)),
                investigate.evidence());
        List<Message> events = new BrokerProbe(broker).receive("casebridge.sla.events",
                "CasebridgeCaseId = '" + caseId + "' and CasebridgeSlaEvent = 'statutory.breached'", 30000);
        assertThat(events).hasSize(1);
        JsonNode event = mapper.readTree(((TextMessage) events.get(0)).getText());
        assertThat(event.path("milestone").asText()).isEqualTo("make-safe");
        assertThat(event.path("reference").asText()).contains("2025/1042");
        assertThat(event.path("evidence").path("channel").asText()).isEqualTo("webform");
        assertThat(events.get(0).getStringProperty(StatutoryEvents.REGIME)).isEqualTo("awaabs-law");
        assertThat(events.get(0).getJMSType()).isEqualTo(StatutoryEvents.JMS_TYPE);
    }
}
