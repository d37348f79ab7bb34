package org.casebridge.sla;

import org.casebridge.cases.Case;
import org.casebridge.cases.CaseRecorded;
import org.casebridge.replies.ReplySent;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Direction;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import static org.casebridge.shared.JdbcValues.instant;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * The SLA clocks of every case, in {@code cb_case} so every instance sees the same: the first-response clock starts
 * with the case and stops at the first human reply on any channel; a customer's message on an answered case starts the
 * next-response clock; a case waiting on the customer has its clocks paused; a customer chasing before the first
 * response raises the priority. Each change happens in the transaction that stores the message or the reply.
 */
@Component
public class SlaClocks {

    private static final Logger LOG = LoggerFactory.getLogger(SlaClocks.class);

    private final JdbcTemplate jdbc;
    private final SlaPolicy policy;
    private final SlaMetrics metrics;
    private final int chaserRaise;

    public SlaClocks(JdbcTemplate jdbc, SlaPolicy policy, SlaMetrics metrics,
                     @org.springframework.beans.factory.annotation.Value("${casebridge.triage.chaser-raise:1}") int chaserRaise) {
        this.jdbc = jdbc;
        this.chaserRaise = chaserRaise;
        this.policy = policy;
        this.metrics = metrics;
    }

    /** The clocks of case {@code caseId}, if it exists. */
    public Optional<CaseClockState> state(String caseId) {
        return jdbc.query("select case_id, channel, status, priority, category, created_at, first_response_due, first_response_warn_at,"
                + " first_response_at, next_response_started_at, next_response_due, next_response_warn_at, paused_at, chase_count"
                + " from cb_case where case_id = ?", (rs, n) -> read(rs), caseId).stream().findFirst();
    }

    /** Runs in the transaction that stores the message: the clocks change with it or not at all. */
    @EventListener
    public void caseRecorded(CaseRecorded event) {
        inboundStored(event.value(), event.newCase());
    }

    /** An inbound message was stored; {@code newCase} when it opened its case. */
    public void inboundStored(Case value, boolean newCase) {
        if (value.direction() != Direction.INBOUND) {
            return;
        }
        if (newCase) {
            started(value);
        } else {
            state(value.caseId()).ifPresent(state -> continued(state, value));
        }
    }

    /** A new case: its category, and its first-response warning (the due time came with the case). */
    private void started(Case value) {
        SlaPolicy.Deadline deadline = policy.deadline(SlaClock.FIRST_RESPONSE, value.channel(), value.priority(), value.receivedAt());
        Instant due = value.sla() == null || value.sla().firstResponseDue() == null ? deadline.due() : value.sla().firstResponseDue();
        Instant warnAt = due.equals(deadline.due()) ? deadline.warnAt()
                // a flow without triage gave a due time of its own: warn at the same share of it, in real time
                : value.receivedAt().plusMillis(Math.round(Duration.between(value.receivedAt(), due).toMillis() * policy.warningShare()));
        jdbc.update("update cb_case set category = ?, first_response_due = ?, first_response_warn_at = ? where case_id = ?",
                value.category(), utc(due), utc(warnAt), value.caseId());
        metrics.caseOpened(value);
    }

    /** A customer's message on an existing case: resumes a paused case, counts a chase, or starts the next-response clock. */
    private void continued(CaseClockState state, Case value) {
        Instant at = value.receivedAt();
        CaseClockState current = state;
        if (CaseClockState.WAITING_ON_CUSTOMER.equals(state.status()) && value.kind() == MessageKind.MESSAGE) {
            resume(state, at);
            current = state(state.caseId()).orElse(state);
        }
        if (value.kind() != MessageKind.MESSAGE || CaseClockState.CLOSED.equals(current.status())) {
            return;
        }
        // the same rule as triage (which wrote it into the message): a flow without triage still raises a chased case
        Priority priority = mostUrgent(value.priority(), current.firstResponseAt() == null ? raise(current.priority(), chaserRaise) : current.priority());
        String category = current.category() != null ? current.category() : value.category();
        if (current.firstResponseAt() == null) {
            // chased before anyone answered: the (raised) priority may bring the deadline forward, never back
            SlaPolicy.Deadline raised = policy.deadline(SlaClock.FIRST_RESPONSE, current.channel(), priority, current.createdAt());
            jdbc.update("update cb_case set priority = ?, category = ?, chase_count = chase_count + 1,"
                            + " first_response_due = ?, first_response_warn_at = ? where case_id = ?",
                    priority.name(), category, utc(earlier(current.firstResponseDue(), raised.due())),
                    utc(earlier(current.firstResponseWarnAt(), raised.warnAt())), current.caseId());
            LOG.info("Case {} chased by the customer before its first response ({}): priority {} -> {}", current.caseId(),
                    value.channel().wireName(), current.priority(), priority);
        } else if (current.nextResponseDue() == null) {
            SlaPolicy.Deadline next = policy.deadline(SlaClock.NEXT_RESPONSE, current.channel(), priority, at);
            jdbc.update("update cb_case set priority = ?, category = ?, next_response_started_at = ?, next_response_due = ?,"
                    + " next_response_warn_at = ? where case_id = ?", priority.name(), category, utc(at), utc(next.due()), utc(next.warnAt()), current.caseId());
        } else {
            jdbc.update("update cb_case set priority = ?, category = ? where case_id = ?", priority.name(), category, current.caseId());
        }
    }

    /** Runs in the transaction that marks the reply sent. */
    @EventListener
    public void replySent(ReplySent event) {
        replySent(event.reply(), event.sentAt());
    }

    /**
     * A reply went out (every channel's sender marks it sent through {@code OutboundMessages.markSent}, which publishes
     * {@link ReplySent}): a human reply stops
     * the first-response clock (once) and the next-response clock. Automatic acknowledgements stop nothing.
     */
    public void replySent(Case reply, Instant sentAt) {
        if (reply.kind() == MessageKind.AUTO_REPLY || reply.kind() == MessageKind.BOUNCE) {
            return;
        }
        int first = jdbc.update("update cb_case set first_response_at = ? where case_id = ? and first_response_at is null",
                utc(sentAt), reply.caseId());
        jdbc.update("update cb_case set next_response_started_at = null, next_response_due = null, next_response_warn_at = null"
                + " where case_id = ? and next_response_due is not null", reply.caseId());
        if (first == 1) {
            state(reply.caseId()).ifPresent(state -> metrics.firstResponse(state, sentAt));
        }
    }

    /** The case waits on the customer from {@code at}: its clocks stop until the customer writes or the case is reopened. */
    public boolean pause(String caseId, Instant at) {
        return jdbc.update("update cb_case set status = ?, paused_at = ? where case_id = ? and status = ?",
                CaseClockState.WAITING_ON_CUSTOMER, utc(at), caseId, CaseClockState.OPEN) == 1;
    }

    /** The case no longer waits on the customer: every running deadline moves on by the time the case was paused. */
    public boolean resume(String caseId, Instant at) {
        return state(caseId).map(state -> resume(state, at)).orElse(false);
    }

    private boolean resume(CaseClockState state, Instant at) {
        if (!CaseClockState.WAITING_ON_CUSTOMER.equals(state.status())) {
            return false;
        }
        Instant paused = state.pausedAt();
        Channel channel = state.channel();
        Priority priority = state.priority();
        return jdbc.update("update cb_case set status = ?, paused_at = null, first_response_due = ?, first_response_warn_at = ?,"
                        + " next_response_due = ?, next_response_warn_at = ? where case_id = ? and status = ?",
                CaseClockState.OPEN,
                utc(state.firstResponseAt() == null ? policy.resumed(channel, priority, state.firstResponseDue(), paused, at) : state.firstResponseDue()),
                utc(state.firstResponseAt() == null ? policy.resumed(channel, priority, state.firstResponseWarnAt(), paused, at) : state.firstResponseWarnAt()),
                utc(policy.resumed(channel, priority, state.nextResponseDue(), paused, at)),
                utc(policy.resumed(channel, priority, state.nextResponseWarnAt(), paused, at)),
                state.caseId(), CaseClockState.WAITING_ON_CUSTOMER) == 1;
    }

    /** Closes the case: no clock runs any more. */
    public boolean close(String caseId) {
        return jdbc.update("update cb_case set status = ?, paused_at = null where case_id = ? and status <> ?",
                CaseClockState.CLOSED, caseId, CaseClockState.CLOSED) == 1;
    }

    /** {@code priority} made {@code steps} more urgent, P1 at most. */
    public static Priority raise(Priority priority, int steps) {
        return Priority.values()[Math.max(0, priority.ordinal() - Math.max(0, steps))];
    }

    /** The more urgent of two priorities. */
    public static Priority mostUrgent(Priority a, Priority b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static CaseClockState read(ResultSet rs) throws SQLException {
        return new CaseClockState(rs.getString("case_id"), Channel.fromWire(rs.getString("channel")), rs.getString("status"),
                Priority.valueOf(rs.getString("priority")), rs.getString("category"), instant(rs, "created_at"),
                instant(rs, "first_response_due"), instant(rs, "first_response_warn_at"), instant(rs, "first_response_at"),
                instant(rs, "next_response_started_at"), instant(rs, "next_response_due"), instant(rs, "next_response_warn_at"),
                instant(rs, "paused_at"), rs.getInt("chase_count"));
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
