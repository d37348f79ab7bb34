package org.casebridge.sla;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.casebridge.cases.Channel;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of the parity page ({@code /parity}), served at {@code GET /api/v1/admin/parity}: per channel, today's
 * and this week's (from Monday, in the policy's time zone) median first response and SLA met %, and the parity ratio
 * email ÷ chat. SLA met counts answered cases against their due time, plus unanswered ones already past it.
 */
@Component("parityReport")
public class ParityReport {

    private final ResponseTimes times;
    private final ZoneId zone;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ParityReport(ResponseTimes times, SlaPolicy policy, ObjectMapper mapper, Clock clock) {
        this.clock = clock;
        this.times = times;
        this.zone = policy.calendar().zone();
        this.mapper = mapper;
    }

    /** The report as of {@code now}. */
    public Map<String, Object> report(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        Instant dayStart = today.atStartOfDay(zone).toInstant();
        Instant weekStart = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(zone).toInstant();
        List<Map<String, Object>> channels = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            ResponseTimes.Sample week = times.firstResponses(EnumSet.of(channel), null, weekStart, now.plusMillis(1));
            if (week.met() + week.missed() == 0 && week.answered() == 0 && channel != Channel.EMAIL) {
                continue; // a channel with nothing this week is left off; email, the reference, always shows
            }
            ResponseTimes.Sample day = times.firstResponses(EnumSet.of(channel), null, dayStart, now.plusMillis(1));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("channel", channel.wireName());
            row.put("label", ExpectedWaits.noun(channel).replace(" messages", "").replace("messages on X", "X").replace("emails", "email"));
            row.put("today", figures(day));
            row.put("week", figures(week));
            channels.add(row);
        }
        ResponseTimes.Sample email = times.firstResponses(EnumSet.of(Channel.EMAIL), null, weekStart, now.plusMillis(1));
        ResponseTimes.Sample chat = times.firstResponses(ResponseTimes.CHAT, null, weekStart, now.plusMillis(1));
        Map<String, Object> parity = new LinkedHashMap<>();
        parity.put("emailMedianSeconds", email.median() == null ? null : email.median().toSeconds());
        parity.put("chatMedianSeconds", chat.median() == null ? null : chat.median().toSeconds());
        parity.put("ratio", email.median() == null || chat.median() == null || chat.median().isZero() ? null
                : Math.round(1000.0 * email.median().toMillis() / chat.median().toMillis()) / 1000.0);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generatedAt", now.toString());
        report.put("timeZone", zone.getId());
        report.put("todayFrom", dayStart.toString());
        report.put("weekFrom", weekStart.toString());
        report.put("channels", channels);
        report.put("parity", parity);
        return report;
    }

    private static Map<String, Object> figures(ResponseTimes.Sample sample) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("answered", sample.answered());
        figures.put("medianSeconds", sample.median() == null ? null : sample.median().toSeconds());
        figures.put("met", sample.met());
        figures.put("missed", sample.missed());
        figures.put("slaMetPercent", Double.isNaN(sample.metRatio()) ? null : Math.round(1000 * sample.metRatio()) / 10.0);
        return figures;
    }

    /** Route step for {@code GET /api/v1/admin/parity}: the report as JSON. */
    public void answer(Exchange exchange) throws JsonProcessingException {
        exchange.getMessage().setBody(mapper.writeValueAsString(report(clock.instant())));
    }
}
