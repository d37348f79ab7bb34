package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonFormat;

import java.time.Instant;

/** Service-level commitments for the case. */
public record Sla(
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = Case.INSTANT_PATTERN, timezone = "UTC")
        Instant firstResponseDue) {
}
