package org.casebridge.cases;

import java.util.List;

/**
 * How this message was threaded into its case and with what confidence (0..1). {@code possiblyRelatedTo} names a case
 * this message pointed at (by its token or headers) but was not allowed to join, because the sender does not take
 * part in it.
 */
public record CaseThread(ThreadMethod method, double confidence, String inReplyTo, List<String> references, String possiblyRelatedTo) {

    /** A message that opened a new case. */
    public static CaseThread newCase() {
        return new CaseThread(ThreadMethod.NEW, 1.0, null, List.of(), null);
    }

    /** A message that opened a new case, carrying the threading headers it came with. */
    public static CaseThread newCase(String inReplyTo, List<String> references) {
        return new CaseThread(ThreadMethod.NEW, 1.0, inReplyTo, references == null ? List.of() : List.copyOf(references), null);
    }

    /** Whether this message continues an existing case. */
    public boolean joinsExistingCase() {
        return method != ThreadMethod.NEW;
    }
}
