package org.casebridge.replies;

/** What a platform's answer to one call means (and, for {@link Sent}, {@link Refused}, {@link Failed}, a plan's end). */
public sealed interface SendOutcome permits SendOutcome.Sent, SendOutcome.Refused, SendOutcome.Failed, SendOutcome.Next {

    /** The platform took the message; {@code platformId} is its id for it (null when it named none). */
    record Sent(String platformId) implements SendOutcome, ReplyPlan {
    }

    /** The reply can never go out as written: not retried, reported on the case under {@code reason} (a slug). */
    record Refused(String reason, String detail) implements SendOutcome, ReplyPlan {
    }

    /** The reply did not go out now but may later (rate limit, outage, a setting being fixed): redelivered. */
    record Failed(String detail) implements SendOutcome, ReplyPlan {
    }

    /** The answer asks for another call instead (X refused a DM: the public reply is due). */
    record Next(PlatformCall call) implements SendOutcome {
    }
}
