package org.casebridge.cases;

import java.util.List;

/** A case failed validation against the Case JSON Schema: a bug in a normaliser, never the customer's fault. */
public class CaseSchemaViolationException extends RuntimeException {

    private final List<String> violations;

    public CaseSchemaViolationException(List<String> violations) {
        super("Case does not validate against case-v1.schema.json: " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    public List<String> violations() {
        return violations;
    }
}
