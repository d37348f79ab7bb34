package org.casebridge.cases;

/** Case priority, P1 (most urgent) to P4. */
public enum Priority {
    P1, P2, P3, P4
}
