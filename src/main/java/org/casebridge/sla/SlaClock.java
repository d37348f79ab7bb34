package org.casebridge.sla;

/** The two clocks of a case: until the first reply, and from each later customer message until the next reply. */
public enum SlaClock {
    FIRST_RESPONSE("first-response"), NEXT_RESPONSE("next-response");

    private final String wireName;

    SlaClock(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
