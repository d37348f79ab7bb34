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

    @Test
    void anOrdinaryRepairStartsNoStatutoryClock() throws Exception {
        assertThat(clocks.clocks(post("Fence", "The garden fence blew down in the storm."))).isEmpty();
    }
}
