package org.casebridge.customers;

import org.casebridge.cases.Channel;

/**
 * The customers module's answer to "is this sender the case's customer?", published for the modules that thread
 * messages (triage's chaser detection): they ask it, never the identity tables.
 */
public interface JoiningRule {

    /**
     * Whether a message from {@code address} on {@code channel} may continue case {@code caseId}: the sender takes
     * part in the case, or is linked to one of its participants by verified links only.
     */
    boolean mayJoin(String caseId, Channel channel, String address);
}
