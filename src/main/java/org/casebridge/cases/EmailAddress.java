package org.casebridge.cases;

/** One mailbox: optional display name and address. */
public record EmailAddress(String name, String address) {
}
