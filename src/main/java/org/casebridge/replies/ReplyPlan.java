package org.casebridge.replies;

import org.casebridge.cases.Channel;

import java.util.List;

/** What a {@link ReplySender} makes of a reply before anything is sent. */
public sealed interface ReplyPlan permits ReplyPlan.Calls, ReplyPlan.Detour, SendOutcome.Sent, SendOutcome.Refused, SendOutcome.Failed {

    /** Calls to the platform, made in order (a long text split in parts, say); each answer is read before the next. */
    record Calls(List<PlatformCall> calls) implements ReplyPlan {
        public Calls {
            if (calls.isEmpty()) {
                throw new IllegalArgumentException("A plan of calls needs at least one call");
            }
            calls = List.copyOf(calls);
        }

        public static Calls of(PlatformCall call) {
            return new Calls(List.of(call));
        }
    }

    /** The channel cannot carry the reply now: send it on {@code channel} to {@code address} instead, for {@code reason}. */
    record Detour(Channel channel, String address, String reason) implements ReplyPlan {
    }
}
