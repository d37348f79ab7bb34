package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Locale;

/**
 * How the customer lookup in the housing system went for this message: {@code enriched} (ids and flags filled in),
 * {@code not-found} (the housing system does not know the sender) or {@code unavailable} (it was down, slow or its
 * circuit breaker open: the case went on un-enriched rather than wait). {@code source} names the lookup, {@code at}
 * when its answer was obtained (earlier than the message when it came from the cache).
 */
public record Enrichment(Status status, String source,
                         @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = Case.INSTANT_PATTERN, timezone = "UTC")
                         Instant at) {

    /** The outcome of a lookup. */
    public enum Status {
        ENRICHED, NOT_FOUND, UNAVAILABLE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static Status fromWire(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }
}
