package org.casebridge.sla;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Priority;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static org.casebridge.shared.JdbcValues.instant;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * Actual first-response times, from the shared database: the durations from a case's first message to its first human
 * reply, and whether each met its due time. Figures are reused for {@code casebridge.sla.expected-wait.cache}: they are
 * read on every acknowledgement and every scrape.
 */
@Component
public class ResponseTimes {

    /** The chat channels of the parity ratio (email ÷ chat). */
    public static final Set<Channel> CHAT = EnumSet.of(Channel.WEBCHAT, Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM,
            Channel.SMS, Channel.TELEGRAM, Channel.TWITTER);

    /** First responses of a set of cases: their durations (sorted) and how many met their due time. */
    public record Sample(List<Duration> durations, int met, int missed) {

        public int answered() {
            return durations.size();
        }

        /** The median duration, or null with no data. */
        public Duration median() {
            if (durations.isEmpty()) {
                return null;
            }
            int n = durations.size();
            return n % 2 == 1 ? durations.get(n / 2) : durations.get(n / 2 - 1).plus(durations.get(n / 2)).dividedBy(2);
        }

        /** Share of cases that met their first-response due time, 0..1, or NaN with none. */
        public double metRatio() {
            return met + missed == 0 ? Double.NaN : (double) met / (met + missed);
        }
    }

    private record Cached(Instant at, Object value) {
    }

    private final JdbcTemplate jdbc;
    private final Duration cacheFor;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    public ResponseTimes(JdbcTemplate jdbc, @Value("${casebridge.sla.expected-wait.cache}") Duration cacheFor, Clock clock) {
        this.jdbc = jdbc;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    /**
     * First responses of cases of {@code channels} (and {@code priority}, unless null) whose first message arrived in
     * [from, to). Cases still unanswered whose due time has passed count as missed.
     */
    public Sample firstResponses(Set<Channel> channels, Priority priority, Instant from, Instant to) {
        if (channels.isEmpty()) {
            return new Sample(List.of(), 0, 0);
        }
        Instant now = clock.instant();
        StringBuilder sql = new StringBuilder("select created_at, first_response_at, first_response_due from cb_case where created_at >= ?"
                + " and created_at < ? and channel in (");
        List<Object> args = new ArrayList<>(List.of(utc(from), utc(to)));
        for (Channel channel : channels) {
            sql.append(args.size() > 2 ? ", ?" : "?");
            args.add(channel.wireName());
        }
        sql.append(")");
        if (priority != null) {
            sql.append(" and priority = ?");
            args.add(priority.name());
        }
        sql.append(" and (first_response_at is not null or first_response_due < ?)");
        args.add(utc(now));
        List<Duration> durations = new ArrayList<>();
        int[] counts = new int[2];
        jdbc.query(sql.toString(), rs -> {
            Instant created = instant(rs, "created_at");
            Instant answered = instant(rs, "first_response_at");
            Instant due = instant(rs, "first_response_due");
            if (answered != null) {
                durations.add(Duration.between(created, answered));
                counts[due == null || !answered.isAfter(due) ? 0 : 1]++;
            } else {
                counts[1]++;
            }
        }, args.toArray());
        Collections.sort(durations);
        return new Sample(List.copyOf(durations), counts[0], counts[1]);
    }

    /** First responses of the cases of one channel and priority that were answered within {@code window} before now. */
    public Sample recentFirstResponses(Channel channel, Priority priority, Duration window) {
        return cached("recent:" + channel + ":" + priority + ":" + window, () -> {
            Instant now = clock.instant();
            List<Duration> durations = new ArrayList<>(jdbc.query("select created_at, first_response_at from cb_case"
                            + " where channel = ? and priority = ? and first_response_at >= ? and first_response_at <= ?",
                    (rs, n) -> Duration.between(instant(rs, "created_at"), instant(rs, "first_response_at")),
                    channel.wireName(), priority.name(), utc(now.minus(window)), utc(now)));
            Collections.sort(durations);
            return new Sample(List.copyOf(durations), 0, 0);
        });
    }

    /** SLA met share of one channel's cases opened in the last 7 days (NaN: none answered or due yet). */
    public double slaMetRatio(Channel channel) {
        Instant now = clock.instant();
        return cached("met:" + channel, () -> firstResponses(EnumSet.of(channel), null, now.minus(Duration.ofDays(7)), now)).metRatio();
    }

    /** Median first response of email ÷ that of the chat channels, last 7 days; NaN when either has no data. */
    public double parityRatio() {
        Instant now = clock.instant();
        Duration email = cached("parity:email", () -> firstResponses(EnumSet.of(Channel.EMAIL), null, now.minus(Duration.ofDays(7)), now)).median();
        Duration chat = cached("parity:chat", () -> firstResponses(CHAT, null, now.minus(Duration.ofDays(7)), now)).median();
        if (email == null || chat == null || chat.isZero()) {
            return Double.NaN;
        }
        return (double) email.toMillis() / chat.toMillis();
    }

    Clock clock() {
        return clock;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String key, Supplier<T> compute) {
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && Duration.between(hit.at(), now).compareTo(cacheFor) < 0) {
            return (T) hit.value();
        }
        T value = compute.get();
        cache.put(key, new Cached(now, value));
        return value;
    }
}
