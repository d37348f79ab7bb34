package org.casebridge.sla;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.casebridge.cases.Case;
import org.casebridge.cases.Channel;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * The SLA figures as Micrometer meters (scraped at {@code /actuator/prometheus}): cases by channel and priority,
 * ingest latency and first-response time by channel (counted by the instance that saw them: Prometheus sums the
 * instances), and SLA met % and the email/chat parity ratio, computed from the shared database when scraped.
 */
@Component
public class SlaMetrics {

    private final MeterRegistry registry;

    public SlaMetrics(MeterRegistry registry, ResponseTimes responseTimes) {
        this.registry = registry;
        for (Channel channel : Channel.values()) {
            gauge("casebridge.sla.met.ratio", "Share of first responses in the last 7 days that met their due time (NaN: none)",
                    responseTimes, r -> r.slaMetRatio(channel), channel);
        }
        Gauge.builder("casebridge.sla.parity.ratio", responseTimes, ResponseTimes::parityRatio)
                .description("Median first response of email divided by that of chat channels, last 7 days (1 = parity; NaN: no data)")
                .register(registry);
    }

    private void gauge(String name, String description, ResponseTimes source, ToDoubleFunction<ResponseTimes> value, Channel channel) {
        Gauge.builder(name, source, value).description(description).tag("channel", channel.wireName()).register(registry);
    }

    /** A new case: counted by channel and priority; the sender's timestamp to our receipt is the ingest latency. */
    void caseOpened(Case value) {
        Counter.builder("casebridge.cases.opened").description("Cases opened, by channel and priority")
                .tag("channel", value.channel().wireName()).tag("priority", value.priority().name())
                .register(registry).increment();
        if (value.sentAt() != null && !value.sentAt().isAfter(value.receivedAt())) {
            Timer.builder("casebridge.ingest.latency").description("From the sender's own timestamp to the case, by channel")
                    .tag("channel", value.channel().wireName()).publishPercentileHistogram()
                    .register(registry).record(Duration.between(value.sentAt(), value.receivedAt()));
        }
    }

    /** The first human reply of a case went out. */
    void firstResponse(CaseClockState state, Instant sentAt) {
        Timer.builder("casebridge.first.response").description("From a case's first message to its first human reply, by channel")
                .tag("channel", state.channel().wireName()).publishPercentileHistogram()
                .register(registry).record(Duration.between(state.createdAt(), sentAt));
    }
}
