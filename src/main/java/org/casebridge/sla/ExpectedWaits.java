package org.casebridge.sla;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.Case;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Priority;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live, honest expected wait every customer is told, on every channel: per channel and priority, the median of
 * the actual first-response times over a rolling window; with too little data the median is capped by the target,
 * and with none the target itself is given ("We aim to ...", not "We usually ...").
 * Channels' acknowledgements call {@link #sentenceFor}; {@code GET /api/v1/response-times} publishes the figures.
 */
@Component("expectedWaits")
public class ExpectedWaits {

    /** How the estimate was made. */
    public enum Basis {
        /** The median of at least {@code min-samples} first responses. */
        MEDIAN,
        /** Fewer first responses than {@code min-samples}: their median, at most the target. */
        CAPPED_MEDIAN,
        /** No first response in the window: the target. */
        TARGET;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One estimate. */
    public record Estimate(Channel channel, Priority priority, Duration expectedWait, Basis basis, int samples,
                           Duration target, boolean businessHours, String sentence) {
    }

    private final ResponseTimes times;
    private final SlaPolicy policy;
    private final ObjectMapper mapper;
    private final Duration window;
    private final int minSamples;
    private final Clock clock;

    public ExpectedWaits(ResponseTimes times, SlaPolicy policy, ObjectMapper mapper,
                         @Value("${casebridge.sla.expected-wait.window}") Duration window,
                         @Value("${casebridge.sla.expected-wait.min-samples}") int minSamples, Clock clock) {
        this.clock = clock;
        this.times = times;
        this.policy = policy;
        this.mapper = mapper;
        this.window = window;
        this.minSamples = Math.max(1, minSamples);
    }

    /** The expected wait for a new message on this channel at this priority. */
    public Estimate estimate(Channel channel, Priority priority) {
        SlaPolicy.Target target = policy.target(channel, priority);
        ResponseTimes.Sample sample = times.recentFirstResponses(channel, priority, window);
        Duration wait;
        Basis basis;
        if (sample.answered() == 0) {
            wait = target.firstResponse();
            basis = Basis.TARGET;
        } else if (sample.answered() < minSamples) {
            Duration median = sample.median();
            wait = median.compareTo(target.firstResponse()) < 0 ? median : target.firstResponse();
            basis = Basis.CAPPED_MEDIAN;
        } else {
            wait = sample.median();
            basis = Basis.MEDIAN;
        }
        return new Estimate(channel, priority, wait, basis, sample.answered(), target.firstResponse(), target.businessHours(),
                sentence(channel, wait, basis == Basis.TARGET, basis == Basis.TARGET && target.businessHours()));
    }

    /** "We usually reply to emails within 35 minutes": the sentence every acknowledgement carries. */
    public String sentenceFor(Channel channel, Priority priority) {
        return estimate(channel, priority).sentence();
    }

    /** The sentence for a case, at its priority. */
    public String sentenceFor(Case value) {
        return sentenceFor(value.channel(), value.priority());
    }

    static String sentence(Channel channel, Duration wait, boolean target, boolean workingHours) {
        return (target ? "We aim to reply to " : "We usually reply to ") + noun(channel) + " within " + humanise(wait, workingHours);
    }

    /** What customers call messages on a channel. */
    static String noun(Channel channel) {
        return switch (channel) {
            case EMAIL -> "emails";
            case WEBCHAT -> "chat messages";
            case WHATSAPP -> "WhatsApp messages";
            case MESSENGER -> "Messenger messages";
            case INSTAGRAM -> "Instagram messages";
            case SMS -> "text messages";
            case TELEGRAM -> "Telegram messages";
            case TWITTER -> "messages on X";
            case SLACK -> "Slack messages";
            case WEBFORM -> "web form messages";
            case LEGACY -> "messages";
        };
    }

    /** A duration as a customer reads it: minutes (rounded up to 5 from 10 on), hours, or days, always rounded up. */
    static String humanise(Duration wait, boolean workingHours) {
        long seconds = Math.max(1, wait.toSeconds());
        long minutes = (seconds + 59) / 60;
        if (workingHours) {
            long hours = Math.max(1, (minutes + 59) / 60);
            return hours + (hours == 1 ? " working hour" : " working hours");
        }
        if (minutes <= 1) {
            return "a minute";
        }
        if (minutes < 10) {
            return minutes + " minutes";
        }
        if (minutes <= 90) {
            return ((minutes + 4) / 5 * 5) + " minutes";
        }
        long hours = (minutes + 59) / 60;
        if (hours < 48) {
            return hours + " hours";
        }
        long days = (hours + 23) / 24;
        return days + " days";
    }

    /**
     * Route step for {@code GET /api/v1/response-times}: every channel and priority (or those of the {@code channel}
     * and {@code priority} query parameters) as JSON.
     */
    public void answer(Exchange exchange) {
        Message message = exchange.getMessage();
        List<Channel> channels = new ArrayList<>(List.of(Channel.values()));
        List<Priority> priorities = new ArrayList<>(List.of(Priority.values()));
        String channel = message.getHeader("channel", String.class);
        String priority = message.getHeader("priority", String.class);
        if (channel != null && !channel.isBlank()) {
            try {
                channels = List.of(Channel.fromWire(channel.strip()));
            } catch (IllegalArgumentException e) {
                throw new RejectedRequestException(400, "invalid-parameter", "Unknown channel", "No channel '" + channel + "'.");
            }
        }
        if (priority != null && !priority.isBlank()) {
            try {
                priorities = List.of(Priority.valueOf(priority.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new RejectedRequestException(400, "invalid-parameter", "Unknown priority", "No priority '" + priority + "': P1 to P4.");
            }
        }
        List<Map<String, Object>> estimates = new ArrayList<>();
        for (Channel c : channels) {
            for (Priority p : priorities) {
                Estimate e = estimate(c, p);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("channel", c.wireName());
                row.put("priority", p.name());
                row.put("expectedWait", e.expectedWait().toString());
                row.put("expectedWaitSeconds", e.expectedWait().toSeconds());
                row.put("basis", e.basis().wireName());
                row.put("samples", e.samples());
                row.put("target", e.target().toString());
                row.put("targetHours", e.businessHours() ? "business" : "round-the-clock");
                row.put("sentence", e.sentence());
                estimates.add(row);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generatedAt", clock.instant().toString());
        body.put("window", window.toString());
        body.put("minSamples", minSamples);
        body.put("estimates", estimates);
        try {
            message.setBody(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
