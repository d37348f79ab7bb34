package org.casebridge.cases;

/**
 * Told about every inbound message {@link CaseStore} stores, inside the same transaction: what it changes about the
 * case is stored together with the message, or not at all (the SLA clocks use this).
 */
public interface CaseStoreListener {

    /** An inbound message was stored; {@code newCase} when it opened its case. */
    void inboundStored(Case value, boolean newCase);
}
