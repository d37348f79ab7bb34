package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warnings and breaches are claimed exactly once when several instances look at the same database at the same time
 * (two {@link SlaEvents} instances with their own ids against the bridge's database); paused cases raise nothing.
 */
class SlaEventsTests extends BridgeTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    SlaEvents events;
    @Autowired
    SlaPolicy policy;
    @Autowired
    SlaClocks clocks;
    @Autowired
    CamelContext camel;

    SlaEvents otherInstance;

    @BeforeEach
    void setUp() throws Exception {
        // this test is the clock: the timer route would be a third instance
        camel.getRouteController().stopRoute("sla-clock-to-events");
        otherInstance = new SlaEvents(jdbc, policy, mapper, Duration.ofMinutes(1), "", "instance-b", Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        camel.getRouteController().startRoute("sla-clock-to-events");
    }

    @Test
    void twoInstancesLookingAtOnceClaimEachWarningAndBreachExactlyOnce() throws Exception {
        String caseId = openCase();
        Instant now = Instant.now();
        setClock(caseId, now.minusSeconds(60), now.plusSeconds(3600));

        List<String> warnings = race(caseId, now);
        assertThat(warnings).hasSize(1);
        JsonNode warning = mapper.readTree(warnings.get(0));
        assertThat(warning.get("type").asText()).isEqualTo("sla.warning");
        assertThat(warning.get("clock").asText()).isEqualTo("first-response");
        assertThat(warning.get("caseId").asText()).isEqualTo(caseId);
        // looking again finds nothing new
        assertThat(race(caseId, now.plusSeconds(1))).isEmpty();

        setClock(caseId, now.minusSeconds(60), now.minusSeconds(1));
        List<String> breaches = race(caseId, now.plusSeconds(2));
        assertThat(breaches).hasSize(1);
        assertThat(mapper.readTree(breaches.get(0)).get("type").asText()).isEqualTo("sla.breached");
        assertThat(race(caseId, now.plusSeconds(3))).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from cb_sla_event where case_id = ?", Integer.class, caseId)).isEqualTo(2);
    }

    @Test
    void aCaseFoundOnlyAfterItsDueTimeGetsTheBreachWithoutALateWarning() throws Exception {
        String caseId = openCase();
        Instant now = Instant.now();
        setClock(caseId, now.minusSeconds(120), now.minusSeconds(60));
        List<String> claimed = race(caseId, now);
        assertThat(claimed).hasSize(1);
        assertThat(mapper.readTree(claimed.get(0)).get("type").asText()).isEqualTo("sla.breached");
        assertThat(race(caseId, now.plusSeconds(5))).isEmpty();
    }

    @Test
    void aCaseWaitingOnTheCustomerRaisesNothingAndResumesWithTheTimeItHadLeft() throws Exception {
        String caseId = openCase();
        Instant now = Instant.now();
        setClock(caseId, now.minusSeconds(60), now.plusSeconds(3600));
        jdbc.update("update cb_case set priority = 'P1' where case_id = ?", caseId);
        assertThat(clocks.pause(caseId, now.minusSeconds(30))).isTrue();
        assertThat(race(caseId, now)).isEmpty();

        // P1 counts round the clock: paused 30 s before "now", resumed 10 minutes later, the deadline moves 10 minutes
        assertThat(clocks.resume(caseId, now.plusSeconds(570))).isTrue();
        CaseClockState state = clocks.state(caseId).orElseThrow();
        assertThat(state.status()).isEqualTo("open");
        assertThat(state.firstResponseDue()).isCloseTo(now.plusSeconds(3600 + 600), org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MILLIS));
        assertThat(race(caseId, now.plusSeconds(600))).hasSize(1);
    }

    @Test
    void theNextResponseClockRunsFromTheCustomersMessageOnAnAnsweredCaseToTheNextReply() throws Exception {
        String caseId = openCase();
        jdbc.update("update cb_case set first_response_at = ? where case_id = ?", OffsetDateTime.now(ZoneOffset.UTC).minusHours(1), caseId);
        Instant wrote = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        clocks.inboundStored(message(caseId, org.casebridge.cases.Direction.INBOUND, org.casebridge.cases.MessageKind.MESSAGE, wrote), false);

        CaseClockState state = clocks.state(caseId).orElseThrow();
        SlaPolicy.Deadline expected = policy.deadline(SlaClock.NEXT_RESPONSE, state.channel(), state.priority(), wrote);
        assertThat(state.nextResponseStartedAt()).isEqualTo(wrote);
        assertThat(state.nextResponseDue()).isEqualTo(expected.due());
        assertThat(state.nextResponseWarnAt()).isEqualTo(expected.warnAt());

        List<String> warning = race(caseId, expected.warnAt().plusSeconds(1));
        assertThat(warning).hasSize(1);
        assertThat(mapper.readTree(warning.get(0)).get("clock").asText()).isEqualTo("next-response");
        List<String> breach = race(caseId, expected.due().plusSeconds(1));
        assertThat(breach).extracting(e -> mapper.readTree(e).get("type").asText()).containsExactly("sla.breached");

        // the automatic acknowledgement stops nothing; the reply stops the clock
        clocks.replySent(message(caseId, org.casebridge.cases.Direction.OUTBOUND, org.casebridge.cases.MessageKind.AUTO_REPLY, Instant.now()), Instant.now());
        assertThat(clocks.state(caseId).orElseThrow().nextResponseDue()).isNotNull();
        clocks.replySent(message(caseId, org.casebridge.cases.Direction.OUTBOUND, org.casebridge.cases.MessageKind.MESSAGE, Instant.now()), Instant.now());
        assertThat(clocks.state(caseId).orElseThrow().nextResponseDue()).isNull();
    }

    private static org.casebridge.cases.Case message(String caseId, org.casebridge.cases.Direction direction,
                                                     org.casebridge.cases.MessageKind kind, Instant at) {
        return new org.casebridge.cases.Case(org.casebridge.cases.Case.SCHEMA_VERSION, caseId, "msg-" + UUID.randomUUID(),
                org.casebridge.cases.Channel.WEBFORM, direction, kind, at, null,
                new org.casebridge.cases.Customer(null, "x@example.org", null, null, null, null, null), "Gate",
                new org.casebridge.cases.Body("Thanks", "Thanks", null), List.of(), null,
                new org.casebridge.cases.CaseThread(org.casebridge.cases.ThreadMethod.HEADER, 1.0, null, List.of(), null),
                new org.casebridge.cases.Source("test", null, null), org.casebridge.cases.Priority.P3, null,
                new org.casebridge.cases.Sla(null), new org.casebridge.cases.Trust(false, "none"));
    }

    /** Both instances claim at the same moment, five times each; returns what they claimed for {@code caseId}. */
    private List<String> race(String caseId, Instant at) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<List<String>>> results = new ArrayList<>();
            for (SlaEvents instance : List.of(events, otherInstance)) {
                results.add(pool.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    start.await();
                    for (int i = 0; i < 5; i++) {
                        mine.addAll(instance.claimDueAt(at));
                    }
                    return mine;
                }));
            }
            List<String> claimed = Collections.synchronizedList(new ArrayList<>());
            for (Future<List<String>> result : results) {
                for (String payload : result.get()) {
                    // as the route does once the broker has it (an unpublished claim is taken over after the timeout)
                    events.markPublished(mapper.readTree(payload).get("eventId").asText());
                    if (mapper.readTree(payload).get("caseId").asText().equals(caseId)) {
                        claimed.add(payload);
                    }
                }
            }
            return claimed;
        } finally {
            pool.shutdownNow();
        }
    }

    private void setClock(String caseId, Instant warnAt, Instant due) {
        jdbc.update("update cb_case set first_response_warn_at = ?, first_response_due = ? where case_id = ?",
                OffsetDateTime.ofInstant(warnAt, ZoneOffset.UTC), OffsetDateTime.ofInstant(due, ZoneOffset.UTC), caseId);
    }

    private String openCase() throws Exception {
        String email = "sla-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("email", email), "subject", "Gate", "text", "The gate latch is broken."));
        HttpResponse<String> response = new Http(port).post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", API_KEY));
        assertThat(response.statusCode()).isEqualTo(202);
        return mapper.readTree(response.body()).get("caseId").asText();
    }
}
