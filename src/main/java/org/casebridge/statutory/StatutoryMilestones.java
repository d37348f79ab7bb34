package org.casebridge.statutory;

import org.casebridge.sla.CaseMilestones;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.List;

/** The case status API's milestone actions (complete, stop, reclassify) on the statutory clocks, each with its reason. */
@Component
class StatutoryMilestones implements CaseMilestones {

    private final StatutoryClocks clocks;
    private final StatutoryRegimes regimes;

    StatutoryMilestones(StatutoryClocks clocks, StatutoryRegimes regimes) {
        this.clocks = clocks;
        this.regimes = regimes;
    }

    @Override
    @Transactional
    public Object apply(String caseId, MilestoneRequest request, Instant at) {
        if (request.reason() == null || request.reason().isBlank()) {
            throw invalid("reason is required with a milestone: it is recorded beside the clock.");
        }
        List<StatutoryRegimes.Regime> having = regimes.all().stream()
                .filter(r -> request.regime() == null || r.name().equals(request.regime()))
                .filter(r -> r.milestone(request.milestone()).isPresent()).toList();
        if (having.isEmpty()) {
            throw new RejectedRequestException(400, "unknown-milestone", "Unknown milestone", "No regime" + (request.regime() == null ? ""
                    : " '" + request.regime() + "'") + " has a milestone '" + request.milestone() + "'.");
        }
        if (having.size() > 1) {
            throw invalid("milestone '" + request.milestone() + "' is in several regimes: name the regime.");
        }
        StatutoryRegimes.Regime regime = having.get(0);
        String action = request.action() == null ? COMPLETE : request.action();
        boolean done = switch (action) {
            case COMPLETE -> clocks.complete(caseId, regime.name(), request.milestone(), at, request.reason());
            case STOP -> clocks.stop(caseId, regime.name(), request.milestone(), at, request.reason());
            case RECLASSIFY -> {
                boolean known = request.classification() != null && regime.milestones().stream()
                        .anyMatch(m -> StatutoryRegimes.AWARENESS.equals(m.from()) && m.appliesTo(request.classification()));
                if (!known) {
                    throw invalid("classification must name one the regime '" + regime.name() + "' starts a milestone for, not "
                            + (request.classification() == null ? "missing" : "'" + request.classification() + "'") + ".");
                }
                yield clocks.reclassify(caseId, regime.name(), request.milestone(), request.classification(), at, request.reason());
            }
            default -> throw invalid("action must be complete, stop or reclassify, not '" + action + "'.");
        };
        if (!done) {
            throw new RejectedRequestException(409, "milestone-not-running", "Milestone not running",
                    "Case " + caseId + " has no running " + regime.name() + " milestone '" + request.milestone() + "'.");
        }
        return clocks.clocks(caseId);
    }

    private static RejectedRequestException invalid(String detail) {
        return new RejectedRequestException(400, "invalid-message", "Invalid milestone request", detail);
    }
}
