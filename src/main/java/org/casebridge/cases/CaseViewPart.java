package org.casebridge.cases;

/**
 * A part of a case that another module owns and {@code GET /api/v1/cases/{caseId}} shows beside its messages (e.g.
 * the statutory clocks): the case store stays ignorant of what the part means, the owning module of how cases are read.
 */
public interface CaseViewPart {

    /** The field of the case view, e.g. {@code clocks}. */
    String name();

    /** The part's value for one case (serialised as JSON); an empty list when the case has none. */
    Object of(String caseId);
}
