package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Priority;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.Http;
import org.casebridge.support.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live expected wait: with no data (the target), little data (the median, capped by the target) and plenty (the
 * median). A bridge of its own on a clock the tests move: no other test's first responses fall into the window, and
 * no estimate cached by an earlier test is still fresh.
 */
@BridgeContext("expected-waits")
class ExpectedWaitsTests {

    /** Far from the machine's date, so nothing the bridge or a test wrote on the real clock is in any window. */
    static final Instant START = Instant.parse("2031-03-03T10:00:00Z");

    @TestConfiguration(proxyBeanMethods = false)
    static class MovableClock {

        @Bean
        @Primary
        MutableClock testClock() {
            return MutableClock.at(START);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ExpectedWaits waits;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    MutableClock clock;

    /** Each test in a month of its own: the earlier tests' answers are outside its 7-day window, their estimates stale. */
    @BeforeEach
    void nextMonth() {
        clock.advance(Duration.ofDays(30));
    }

    @Test
    void withNoFirstResponsesTheTargetIsGivenAsAnAim() {
        ExpectedWaits.Estimate estimate = waits.estimate(Channel.TELEGRAM, Priority.P4);
        assertThat(estimate.basis()).isEqualTo(ExpectedWaits.Basis.TARGET);
        assertThat(estimate.samples()).isZero();
        assertThat(estimate.expectedWait()).isEqualTo(Duration.ofHours(30));
        assertThat(estimate.sentence()).isEqualTo("We aim to reply to Telegram messages within 30 working hours");
    }

    @Test
    void withLittleDataTheMedianIsCappedByTheTarget() {
        // three answers of 5, 6 and 7 hours: the median (6 h) is more than P2's target (4 h), and three is too few to trust
        for (int hours : new int[]{5, 6, 7}) {
            answered(Channel.SMS, Priority.P2, Duration.ofHours(hours), Duration.ofHours(1));
        }
        ExpectedWaits.Estimate estimate = waits.estimate(Channel.SMS, Priority.P2);
        assertThat(estimate.basis()).isEqualTo(ExpectedWaits.Basis.CAPPED_MEDIAN);
        assertThat(estimate.samples()).isEqualTo(3);
        assertThat(estimate.expectedWait()).isEqualTo(Duration.ofHours(4));
        assertThat(estimate.sentence()).isEqualTo("We usually reply to text messages within 4 hours");
        // below the target, little data is given as it is
        for (int minutes : new int[]{20, 40}) {
            answered(Channel.INSTAGRAM, Priority.P2, Duration.ofMinutes(minutes), Duration.ofHours(1));
        }
        assertThat(waits.estimate(Channel.INSTAGRAM, Priority.P2).expectedWait()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void withPlentyOfDataTheRollingMedianIsGivenAndOldAnswersAreLeftOut() throws Exception {
        for (int minutes : new int[]{10, 20, 30, 35, 40, 50, 600}) {
            answered(Channel.SMS, Priority.P3, Duration.ofMinutes(minutes), Duration.ofHours(2));
        }
        // outside the 7-day window: not counted
        answered(Channel.SMS, Priority.P3, Duration.ofMinutes(1), Duration.ofDays(8));
        ExpectedWaits.Estimate estimate = waits.estimate(Channel.SMS, Priority.P3);
        assertThat(estimate.basis()).isEqualTo(ExpectedWaits.Basis.MEDIAN);
        assertThat(estimate.samples()).isEqualTo(7);
        assertThat(estimate.expectedWait()).isEqualTo(Duration.ofMinutes(35));
        assertThat(waits.sentenceFor(Channel.SMS, Priority.P3)).isEqualTo("We usually reply to text messages within 35 minutes");

        // the same figures, published without an API key
        HttpResponse<String> response = new Http(port).get("/api/v1/response-times?channel=sms&priority=P3", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = mapper.readTree(response.body());
        assertThat(body.get("estimates")).hasSize(1);
        JsonNode sms = body.get("estimates").get(0);
        assertThat(sms.get("expectedWaitSeconds").asLong()).isEqualTo(35 * 60);
        assertThat(sms.get("basis").asText()).isEqualTo("median");
        assertThat(sms.get("samples").asInt()).isEqualTo(7);
        assertThat(sms.get("sentence").asText()).isEqualTo("We usually reply to text messages within 35 minutes");
        // every channel and priority when unfiltered
        assertThat(mapper.readTree(new Http(port).get("/api/v1/response-times", Map.of()).body()).get("estimates"))
                .hasSize(Channel.values().length * Priority.values().length);
    }

    @Test
    void anUnknownChannelIsAPreciseError() throws Exception {
        HttpResponse<String> response = new Http(port).get("/api/v1/response-times?channel=pigeon", Map.of());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-parameter");
    }

    @Test
    void waitsReadTheWayCustomersSpeak() {
        assertThat(ExpectedWaits.humanise(Duration.ofSeconds(40), false)).isEqualTo("a minute");
        assertThat(ExpectedWaits.humanise(Duration.ofMinutes(7), false)).isEqualTo("7 minutes");
        assertThat(ExpectedWaits.humanise(Duration.ofMinutes(33), false)).isEqualTo("35 minutes");
        assertThat(ExpectedWaits.humanise(Duration.ofMinutes(80), false)).isEqualTo("80 minutes");
        assertThat(ExpectedWaits.humanise(Duration.ofMinutes(150), false)).isEqualTo("3 hours");
        assertThat(ExpectedWaits.humanise(Duration.ofHours(60), false)).isEqualTo("3 days");
        assertThat(ExpectedWaits.humanise(Duration.ofHours(10), true)).isEqualTo("10 working hours");
    }

    /** A case of this channel and priority answered {@code took} after it opened, {@code ago} before now. */
    private void answered(Channel channel, Priority priority, Duration took, Duration ago) {
        Instant answeredAt = clock.instant().minus(ago);
        Instant created = answeredAt.minus(took);
        jdbc.update("insert into cb_case (case_id, channel, status, priority, created_at, updated_at, first_response_at, first_response_due)"
                        + " values (?, ?, 'open', ?, ?, ?, ?, ?)", CaseIds.newCaseId(), channel.wireName(), priority.name(), utc(created),
                utc(answeredAt), utc(answeredAt), utc(created.plus(Duration.ofHours(4))));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
