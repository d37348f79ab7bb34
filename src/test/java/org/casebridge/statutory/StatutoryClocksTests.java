package org.casebridge.statutory;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.casebridge.shared.JdbcValues.instant;

/** The done-when of issue 16 against the real bridge: a web form message starts the statutory clocks from its receivedAt. */
class StatutoryClocksTests extends BridgeTest {

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

    private String post(String subject, String text) throws Exception {
        String email = "tenant-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("name", "Sam Tenant", "email", email), "subject", subject, "text", text));
        HttpResponse<String> response = new Http(port).post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", API_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("caseId").asText();
    }

    private Instant receivedAt(String caseId) {
        return jdbc.query("select received_at from cb_message where case_id = ? order by received_at", (rs, n) -> instant(rs, "received_at"), caseId).get(0);
    }

    @Test
    void blackMouldStartsAwaabsLawInvestigationTenWorkingDaysFromReceipt() throws Exception {
        String caseId = post("Bedroom", "There is black mould spreading in my son's bedroom");
        List<StatutoryClock> found = clocks.clocks(caseId);
        assertThat(found).extracting(StatutoryClock::milestone).containsExactly("investigate");
        StatutoryClock investigate = found.get(0);
        Instant received = receivedAt(caseId);
        assertThat(investigate.regime()).isEqualTo("awaabs-law");
        assertThat(investigate.startedAt()).isEqualTo(received);
        assertThat(investigate.due()).isEqualTo(regimes.workingDays().endOf(regimes.workingDays().plusWorkingDays(regimes.workingDays().dateOf(received), 10)));
        assertThat(investigate.status()).isEqualTo(StatutoryClock.RUNNING);
        assertThat(investigate.evidence().channel()).isEqualTo("webform");
        assertThat(investigate.evidence().sha256()).hasSize(64);

        // the investigation done: written summary, safety work and further works start from it
        assertThat(clocks.complete(caseId, "awaabs-law", "investigate", received.plusSeconds(3600), "surveyor visited")).isTrue();
        assertThat(clocks.clocks(caseId)).extracting(StatutoryClock::milestone)
                .containsExactlyInAnyOrder("investigate", "written-summary", "safety-work", "further-works-start");
    }

    @Test
    void formalComplaintIsToBeAcknowledgedInFiveWorkingDaysAndStageOneFollowsTheAcknowledgement() throws Exception {
        String caseId = post("Repair", "I want to make a formal complaint about the repair");
        StatutoryClock acknowledge = clocks.clocks(caseId).get(0);
        Instant received = receivedAt(caseId);
        assertThat(acknowledge.regime()).isEqualTo("complaint-handling-code");
        assertThat(acknowledge.milestone()).isEqualTo("acknowledge");
        assertThat(acknowledge.due()).isEqualTo(regimes.workingDays().endOf(regimes.workingDays().plusWorkingDays(regimes.workingDays().dateOf(received), 5)));

        assertThat(clocks.complete(caseId, "complaint-handling-code", "acknowledge", received.plusSeconds(60), "logged at stage 1")).isTrue();
        assertThat(clocks.clocks(caseId)).extracting(StatutoryClock::milestone, StatutoryClock::status)
                .contains(org.assertj.core.groups.Tuple.tuple("acknowledge", "met"), org.assertj.core.groups.Tuple.tuple("stage-1-response", "running"));
    }

    private com.fasterxml.jackson.databind.JsonNode caseView(String caseId) throws Exception {
        HttpResponse<String> response = new Http(port).get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", API_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    @Test
    void theCaseApiShowsTheClocksFromTheMessageThatMadeTheLandlordAware() throws Exception {
        String mould = post("Bedroom", "There is black mould spreading in my son's bedroom");
        com.fasterxml.jackson.databind.JsonNode view = caseView(mould);
        com.fasterxml.jackson.databind.JsonNode message = view.path("messages").get(0);
        Instant received = Instant.parse(message.path("receivedAt").asText());
        com.fasterxml.jackson.databind.JsonNode investigate = view.path("clocks").get(0);
        assertThat(view.path("clocks")).hasSize(1);
        assertThat(investigate.path("regime").asText()).isEqualTo("awaabs-law");
        assertThat(investigate.path("milestone").asText()).isEqualTo("investigate");
        assertThat(investigate.path("reference").asText()).contains("2025/1042");
        assertThat(Instant.parse(investigate.path("startedAt").asText())).isEqualTo(received);
        assertThat(Instant.parse(investigate.path("due").asText()))
                .isEqualTo(regimes.workingDays().endOf(regimes.workingDays().plusWorkingDays(regimes.workingDays().dateOf(received), 10)));
        assertThat(investigate.path("status").asText()).isEqualTo("running");
        assertThat(investigate.path("completedAt").isNull()).isTrue();
        assertThat(investigate.path("evidence").path("channel").asText()).isEqualTo("webform");
        assertThat(investigate.path("evidence").path("externalId").asText()).isEqualTo(message.path("source").path("externalId").asText());
        assertThat(message.path("source").path("rawRef").asText()).endsWith(investigate.path("evidence").path("sha256").asText());

        String complaint = post("Repair", "I want to make a formal complaint about the repair");
        com.fasterxml.jackson.databind.JsonNode acknowledge = caseView(complaint).path("clocks").get(0);
        Instant complaintReceived = receivedAt(complaint);
        assertThat(acknowledge.path("regime").asText()).isEqualTo("complaint-handling-code");
        assertThat(acknowledge.path("milestone").asText()).isEqualTo("acknowledge");
        assertThat(Instant.parse(acknowledge.path("due").asText()))
                .isEqualTo(regimes.workingDays().endOf(regimes.workingDays().plusWorkingDays(regimes.workingDays().dateOf(complaintReceived), 5)));

        assertThat(caseView(post("Fence", "The garden fence blew down in the storm.")).path("clocks")).isEmpty();
    }

    private HttpResponse<String> status(String caseId, Map<String, Object> body) throws Exception {
        return new Http(port).post("/api/v1/cases/" + caseId + "/status", "application/json", mapper.writeValueAsBytes(body),
                Map.of("X-Api-Key", "backoffice-key-change-me"));
    }

    @Test
    void theBackOfficeCompletesStopsAndReclassifiesMilestonesThroughTheCaseStatusApiWithItsReason() throws Exception {
        String complaint = post("Repair", "I want to make a formal complaint about the repair");
        HttpResponse<String> acknowledged = status(complaint, Map.of("milestone", "acknowledge", "action", "complete", "reason", "logged at stage 1"));
        assertThat(acknowledged.statusCode()).as(acknowledged.body()).isEqualTo(200);
        assertThat(mapper.readTree(acknowledged.body()).path("clocks").findValuesAsText("milestone")).contains("acknowledge", "stage-1-response");
        assertThat(jdbc.queryForObject("select reason from cb_statutory_clock where case_id = ? and milestone = 'acknowledge'", String.class, complaint))
                .isEqualTo("logged at stage 1");
        assertThat(clocks.clocks(complaint)).extracting(StatutoryClock::milestone, StatutoryClock::status)
                .contains(org.assertj.core.groups.Tuple.tuple("acknowledge", "met"), org.assertj.core.groups.Tuple.tuple("stage-1-response", "running"));

        // stopped with the SLA status in the same request: not a complaint after all
        HttpResponse<String> stopped = status(complaint, Map.of("status", "closed", "regime", "complaint-handling-code", "milestone", "stage-1-response",
                "action", "stop", "reason", "resident withdrew the complaint"));
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
        assertThat(mapper.readTree(stopped.body()).path("status").asText()).isEqualTo("closed");
        assertThat(clocks.clocks(complaint)).extracting(StatutoryClock::milestone, StatutoryClock::status)
                .contains(org.assertj.core.groups.Tuple.tuple("stage-1-response", "stopped"));

        // a damp report found to be an emergency: make-safe runs from the original awareness, investigate is stopped
        String mould = post("Bedroom", "There is black mould spreading in my son's bedroom");
        Instant received = receivedAt(mould);
        HttpResponse<String> reclassified = status(mould, Map.of("milestone", "investigate", "action", "reclassify", "classification", "emergency",
                "reason", "mould around the fuse box, wiring exposed"));
        assertThat(reclassified.statusCode()).as(reclassified.body()).isEqualTo(200);
        List<StatutoryClock> after = clocks.clocks(mould);
        assertThat(after).extracting(StatutoryClock::milestone, StatutoryClock::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("investigate", "stopped"), org.assertj.core.groups.Tuple.tuple("make-safe", "running"));
        StatutoryClock makeSafe = after.stream().filter(c -> c.milestone().equals("make-safe")).findFirst().orElseThrow();
        assertThat(makeSafe.startedAt()).isEqualTo(received);
        assertThat(makeSafe.due()).isEqualTo(received.plusSeconds(24 * 3600));
        assertThat(makeSafe.evidence().channel()).isEqualTo("webform");
    }

    @Test
    void anUnknownOrNotRunningMilestoneIsAProblemAndChangesNothing() throws Exception {
        String complaint = post("Repair", "I want to make a formal complaint about the repair");
        HttpResponse<String> unknown = status(complaint, Map.of("milestone", "inspect-the-moon", "reason", "typo"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(mapper.readTree(unknown.body()).path("type").asText()).isEqualTo("urn:casebridge:problem:unknown-milestone");

        HttpResponse<String> notRunning = status(complaint, Map.of("milestone", "stage-2-response", "reason", "answered"));
        assertThat(notRunning.statusCode()).isEqualTo(409);
        assertThat(mapper.readTree(notRunning.body()).path("type").asText()).isEqualTo("urn:casebridge:problem:milestone-not-running");

        HttpResponse<String> noReason = status(complaint, Map.of("milestone", "acknowledge"));
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(clocks.clocks(complaint)).extracting(StatutoryClock::status).containsOnly("running");
    }

    @Test
    void anOrdinaryRepairStartsNoStatutoryClock() throws Exception {
        assertThat(clocks.clocks(post("Fence", "The garden fence blew down in the storm."))).isEmpty();
    }
}
