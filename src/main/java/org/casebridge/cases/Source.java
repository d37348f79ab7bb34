package org.casebridge.cases;

/** Where a message came from: the mailbox or platform account, its own id, and the archived original. */
public record Source(String system, String externalId, String rawRef) {
}
