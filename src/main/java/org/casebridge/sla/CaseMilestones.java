package org.casebridge.sla;

import java.time.Instant;

/**
 * The milestones of a case's statutory clocks as the case status API changes them ({@code POST
 * /api/v1/cases/{caseId}/status} with a {@code milestone}): published here so that the module owning them
 * ({@code statutory}) implements it and the status API needs no dependency on it.
 */
public interface CaseMilestones {

    /** Actions a back-office system takes on a milestone. */
    String COMPLETE = "complete";
    String STOP = "stop";
    String RECLASSIFY = "reclassify";

    /**
     * Applies {@code request} at {@code at}, the reason recorded; answers the case's clocks afterwards (JSON-serialisable).
     * Throws {@link org.casebridge.shared.RejectedRequestException} for an unknown milestone or one not running.
     */
    Object apply(String caseId, MilestoneRequest request, Instant at);

    /** One back-office action on a milestone; {@code regime} may be left out when one regime alone has the milestone. */
    record MilestoneRequest(String regime, String milestone, String action, String classification, String reason) {
    }
}
