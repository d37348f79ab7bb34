package org.casebridge.statutory;

import org.casebridge.cases.CaseViewPart;
import org.springframework.stereotype.Component;

/** The case's statutory clocks as {@code clocks} on {@code GET /api/v1/cases/{caseId}}. */
@Component
class StatutoryClocksView implements CaseViewPart {

    private final StatutoryClocks clocks;

    StatutoryClocksView(StatutoryClocks clocks) {
        this.clocks = clocks;
    }

    @Override
    public String name() {
        return "clocks";
    }

    @Override
    public Object of(String caseId) {
        return clocks.clocks(caseId);
    }
}
