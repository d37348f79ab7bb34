package org.casebridge.sla;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Priority;

import java.time.Instant;

/** What the clocks know about one case, as stored in {@code cb_case}. */
public record CaseClockState(String caseId, Channel channel, String status, Priority priority, String category,
                             Instant createdAt, Instant firstResponseDue, Instant firstResponseWarnAt, Instant firstResponseAt,
                             Instant nextResponseStartedAt, Instant nextResponseDue, Instant nextResponseWarnAt,
                             Instant pausedAt, int chaseCount) {

    /** Status of a case whose clocks run. */
    public static final String OPEN = "open";
    /** Status of a case waiting on the customer: its clocks are paused. */
    public static final String WAITING_ON_CUSTOMER = "waiting-on-customer";
    /** Status of a closed case: no clock runs. */
    public static final String CLOSED = "closed";

    /** Whether nobody has answered the customer yet (and the case is not closed). */
    public boolean awaitingFirstResponse() {
        return firstResponseAt == null && !CLOSED.equals(status);
    }
}
