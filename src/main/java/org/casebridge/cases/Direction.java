package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Whether a message came from the customer (inbound) or goes to the customer (outbound). */
public enum Direction {
    INBOUND, OUTBOUND;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Direction fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
