package org.casebridge.backoffice;

/**
 * A status update from a back-office system for the customer of a case (JSON on {@code casebridge.backoffice.updates}):
 * the case, the text the customer reads, the system's own reference (e.g. the repair job), and the update's own id in
 * that system, which makes a repeated update recognisable. {@code source} names the system or file it came from.
 */
public record StatusUpdate(String caseId, String text, String reference, String updateId, String source) {
}
