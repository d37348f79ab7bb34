package org.casebridge.cases;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.casebridge.shared.JdbcValues.instant;

/**
 * What threading looks up, in the database so every instance sees the same: the message references (Message-IDs,
 * platform ids) seen or sent for each case, and each case's participants.
 */
@Component
public class ThreadIndex {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public ThreadIndex(JdbcTemplate jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    /** A message reference in the form stored: without angle brackets and surrounding space. */
    public static String normaliseRef(String ref) {
        if (ref == null) {
            return null;
        }
        String value = ref.strip();
        if (value.startsWith("<") && value.endsWith(">")) {
            value = value.substring(1, value.length() - 1).strip();
        }
        return value.isEmpty() ? null : value;
    }

    /** An address in the form stored for participants: email addresses lower-case, others as given. */
    public static String normaliseAddress(Channel channel, String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        return channel == Channel.EMAIL ? address.strip().toLowerCase(Locale.ROOT) : address.strip();
    }

    /** The case a reference belongs to, trying {@code refs} in order (In-Reply-To first, then References newest first). */
    public Optional<String> caseForRefs(List<String> refs) {
        for (String ref : refs) {
            String normalised = normaliseRef(ref);
            if (normalised == null) {
                continue;
            }
            List<String> cases = jdbc.queryForList(
                    "select case_id from cb_message_ref where message_ref = ? order by created_at desc", String.class, normalised);
            if (!cases.isEmpty()) {
                return Optional.of(cases.get(0));
            }
        }
        return Optional.empty();
    }

    /**
     * The open case {@code address} most recently took part in on {@code channel}, if it had activity since
     * {@code since}: where a chat customer's next message belongs.
     */
    public Optional<String> latestOpenCaseOf(Channel channel, String address, Instant since) {
        String normalised = normaliseAddress(channel, address);
        if (normalised == null) {
            return Optional.empty();
        }
        return jdbc.queryForList("select c.case_id from cb_case_participant p join cb_case c on c.case_id = p.case_id"
                        + " where p.channel = ? and p.address = ? and c.status = 'open' and c.updated_at >= ?"
                        + " order by c.updated_at desc, c.case_id", String.class,
                channel.wireName(), normalised, OffsetDateTime.ofInstant(since, ZoneOffset.UTC)).stream().findFirst();
    }

    public boolean caseExists(String caseId) {
        Integer found = jdbc.queryForObject("select count(*) from cb_case where case_id = ?", Integer.class, caseId);
        return found != null && found > 0;
    }

    public boolean isParticipant(String caseId, Channel channel, String address) {
        String normalised = normaliseAddress(channel, address);
        if (normalised == null) {
            return false;
        }
        Integer found = jdbc.queryForObject("select count(*) from cb_case_participant where case_id = ? and channel = ? and address = ?",
                Integer.class, caseId, channel.wireName(), normalised);
        return found != null && found > 0;
    }

    /** Who took part in a case: an address on a channel, as threading stores it. */
    public record Participant(Channel channel, String address) {
    }

    /** The participants of case {@code caseId}. */
    public List<Participant> participantsOf(String caseId) {
        return jdbc.query("select channel, address from cb_case_participant where case_id = ?",
                (rs, i) -> new Participant(Channel.fromWire(rs.getString("channel")), rs.getString("address")), caseId);
    }

    /**
     * The {@code window} newest cases {@code address} took part in, newest first: as an email address ({@code kind}
     * {@code email}: the email and web form channels), a phone number ({@code phone}: every other channel) or a
     * platform id (the channel whose wire name {@code kind} is). It reads only the newest participations (index
     * {@code (address, created_at)}): an address with thousands of cases costs what any other does.
     */
    public List<String> newestCasesOf(String kind, String address, int window) {
        // "order by address, created_at desc" with the address fixed is the index's own order, so the database reads
        // the newest rows and stops at the limit; a channel condition in the query makes H2 pick the (channel, address)
        // index instead and sort every participation of the address (measured: cost grew with the customer's history).
        // An address is only ever one kind (an email address, a phone number, a platform id), so the channel is
        // checked here, on the rows read.
        List<String> newest = new ArrayList<>();
        jdbc.query("select case_id, channel from cb_case_participant where address = ? order by address, created_at desc"
                + " fetch first " + Math.max(1, window) + " rows only", rs -> {
            String channel = rs.getString("channel");
            boolean emailChannel = "email".equals(channel) || "webform".equals(channel);
            if (switch (kind) {
                case "email" -> emailChannel;
                case "phone" -> !emailChannel;
                default -> kind.equals(channel);
            }) {
                newest.add(rs.getString("case_id"));
            }
        }, address);
        return newest;
    }

    /** Those of {@code caseIds} that are open, most recently active first. */
    public List<String> openCasesByActivity(Collection<String> caseIds) {
        if (caseIds.isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> found = new ArrayList<>(jdbc.queryForList("select case_id, updated_at from cb_case where status = 'open'"
                + " and case_id in (" + String.join(", ", Collections.nCopies(caseIds.size(), "?")) + ")", caseIds.toArray()));
        found.sort((a, b) -> instant(b.get("updated_at")).compareTo(instant(a.get("updated_at"))));
        return found.stream().map(row -> (String) row.get("case_id")).distinct().toList();
    }

    /** Remembers that {@code ref} belongs to the case (idempotent). */
    public void recordRef(String ref, String caseId, String messageId, Direction direction) {
        String normalised = normaliseRef(ref);
        if (normalised == null || normalised.length() > 998) {
            return;
        }
        try {
            jdbc.update("insert into cb_message_ref (message_ref, case_id, message_id, direction, created_at)"
                            + " select ?, ?, ?, ?, ? where not exists (select 1 from cb_message_ref where message_ref = ? and case_id = ?)",
                    normalised, caseId, messageId, direction.wireName(), now(), normalised, caseId);
        } catch (DuplicateKeyException raced) {
            // recorded by a concurrent instance: the same fact
        }
    }

    /** Adds a participant to the case (idempotent). */
    public void addParticipant(String caseId, Channel channel, String address) {
        String normalised = normaliseAddress(channel, address);
        if (normalised == null || normalised.length() > 320) {
            return;
        }
        try {
            jdbc.update("insert into cb_case_participant (case_id, channel, address, created_at)"
                            + " select ?, ?, ?, ? where not exists (select 1 from cb_case_participant where case_id = ? and channel = ? and address = ?)",
                    caseId, channel.wireName(), normalised, now(), caseId, channel.wireName(), normalised);
        } catch (DuplicateKeyException raced) {
            // added by a concurrent instance
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
