package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Whether the sender's identity was verified, and how (api-key, signature, dkim, none ...); {@code reason} says
 * what the bridge did not take from an unverified sender (no housing record, a Reply-To ignored), when anything.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Trust(boolean verified, String method, String reason) {

    public Trust(boolean verified, String method) {
        this(verified, method, null);
    }

    /** This trust with {@code why} added to its reason. */
    public Trust because(String why) {
        return new Trust(verified, method, reason == null ? why : reason + "; " + why);
    }
}
