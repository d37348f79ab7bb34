package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What a message is: a human message, an automatic reply, a bounce, or a back-office status update. */
public enum MessageKind {
    MESSAGE, AUTO_REPLY, BOUNCE, STATUS_UPDATE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static MessageKind fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
