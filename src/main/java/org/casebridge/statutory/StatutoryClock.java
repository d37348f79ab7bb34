package org.casebridge.statutory;

import com.fasterxml.jackson.annotation.JsonFormat;
import org.casebridge.cases.Case;

import java.time.Instant;

/** One milestone's clock on a case, as {@code clocks} shows it on the case API and the case JSON. */
public record StatutoryClock(
        String regime,
        String milestone,
        String reference,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = Case.INSTANT_PATTERN, timezone = "UTC")
        Instant startedAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = Case.INSTANT_PATTERN, timezone = "UTC")
        Instant due,
        String status,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = Case.INSTANT_PATTERN, timezone = "UTC")
        Instant completedAt,
        Evidence evidence) {

    public static final String RUNNING = "running";
    public static final String MET = "met";
    public static final String BREACHED = "breached";
    public static final String PAUSED = "paused";
    public static final String STOPPED = "stopped";

    /** The message that made the landlord aware. */
    public record Evidence(String channel, String externalId, String sha256) {
    }
}
