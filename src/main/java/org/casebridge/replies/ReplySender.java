package org.casebridge.replies;

import org.casebridge.cases.Case;
import org.casebridge.cases.Channel;

import java.util.List;

/**
 * One platform's way of sending a reply, the outbound counterpart of {@code channel.chat.ChatPlatform}: who the reply
 * goes to, whether it fits the platform (limits, splitting), the call(s) that carry it, and what the platform's answer
 * means (its id for the message, or a permanent or temporary failure). A Spring bean per channel, in the platform's own
 * package; {@link ReplySenders} drives them all through one flow ({@code routes/case-replies-to-customer.yaml}), which
 * hands each call to {@code direct:send-<channel>}, the platform's endpoint ({@code routes/case-replies-to-<channel>.yaml}).
 */
public interface ReplySender {

    /** The channel this sender delivers replies on. */
    Channel channel();

    /** Whether the channel runs in this bridge (a disabled platform sends nothing: its replies fail with that reason). */
    default boolean enabled() {
        return true;
    }

    /**
     * The outbound case {@code draft} addressed as this channel addresses replies, when it addresses them itself (email:
     * recipients, subject, threading, Message-ID); the draft unchanged otherwise. {@code conversation} is what the case
     * knows about the customer's earlier messages.
     *
     * @throws org.casebridge.shared.RejectedMessageException when the reply can never be addressed on this channel
     */
    default Case address(Case draft, Conversation conversation) {
        return draft;
    }

    /**
     * Who the reply goes to on the platform (chat id, phone number, user id), or null when the case names nobody: the
     * generic flow then refuses the reply as {@code no-recipient} without asking {@link #plan}. By default the
     * customer's id on the platform ({@code customer.platformUserId}), as the inbound message gave it.
     */
    default String recipient(Case reply) {
        return reply.customer() == null ? null : reply.customer().platformUserId();
    }

    /**
     * What the reply to {@code recipient} becomes on the platform (limits, splitting, the request): the calls to make,
     * or an outcome without any call.
     */
    ReplyPlan plan(Case reply, String recipient);

    /** What the platform's {@code answer} to {@code call} for {@code reply} means. */
    SendOutcome answer(Case reply, PlatformCall call, PlatformAnswer answer);

    /** The reply went out on another channel instead, as {@code detour} asked. */
    default void detoured(Case reply, ReplyPlan.Detour detour) {
    }

    /**
     * What a reply knows of the customer's side of the case: the first inbound message, and the id and References of
     * the customer's latest mail, if any.
     */
    record Conversation(Case firstInbound, String latestEmailId, List<String> latestEmailReferences) {
    }
}
