package org.casebridge.cases;

import java.util.List;

/** How this message was threaded into its case and with what confidence (0..1). */
public record CaseThread(ThreadMethod method, double confidence, String inReplyTo, List<String> references) {

    /** A message that opened a new case. */
    public static CaseThread newCase() {
        return new CaseThread(ThreadMethod.NEW, 1.0, null, List.of());
    }
}
