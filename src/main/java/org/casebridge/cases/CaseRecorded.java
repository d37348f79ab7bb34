package org.casebridge.cases;

/**
 * Published by {@link CaseStore} for every inbound message it stores, inside the same transaction, to listeners that
 * run synchronously ({@code @EventListener}): what they change about the case is stored with the message, or not at
 * all (the SLA clocks use this). {@code newCase} when the message opened its case.
 */
public record CaseRecorded(Case value, boolean newCase) {
}
