package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The channel a customer used; every channel yields the same canonical {@link Case}. */
public enum Channel {
    EMAIL, WEBCHAT, WHATSAPP, MESSENGER, INSTAGRAM, SMS, TELEGRAM, TWITTER, SLACK, WEBFORM, LEGACY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Channel fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
