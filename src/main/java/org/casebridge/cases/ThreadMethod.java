package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How a message was joined to its case (correlation identifier used), or {@code new} when it opened one.
 * {@code customer}: no reference to the case, but the same customer chasing an open case still awaiting its first
 * response (on any channel), which triage joins instead of opening a second case.
 */
public enum ThreadMethod {
    NEW, HEADER, TOKEN, ADDRESS, PLATFORM, CUSTOMER;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ThreadMethod fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
