package org.casebridge.replies;

import org.casebridge.cases.Channel;

/**
 * The delivery receipts a platform sent before its send API answered, kept by the receipt store (channel.chat): the
 * reply flow asks for them once it has recorded the platform's id for a message.
 */
public interface PendingReceipts {

    /** Applies, and forgets, the receipts kept for the message {@code externalId} of {@code channel}. */
    void applyPending(Channel channel, String externalId);
}
