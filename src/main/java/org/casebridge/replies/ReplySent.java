package org.casebridge.replies;

import org.casebridge.cases.Case;

import java.time.Instant;

/**
 * Published when a reply (or an automatic acknowledgement) went out on any channel, inside the transaction that marks
 * it sent, to listeners that run synchronously ({@code @EventListener}); the SLA clocks stop on it.
 */
public record ReplySent(Case reply, Instant sentAt) {
}
