package org.casebridge.channel.chat;

import java.util.List;

/**
 * Everything one webhook call carried, sorted: customer messages (each becomes a case message), delivery receipts of
 * messages the bridge sent, and events the bridge does not act on (acknowledged and recorded, never an error).
 */
public record WebhookEvents(List<ChatMessage> messages, List<DeliveryReceipt> receipts, List<Ignored> ignored) {

    public WebhookEvents {
        messages = messages == null ? List.of() : List.copyOf(messages);
        receipts = receipts == null ? List.of() : List.copyOf(receipts);
        ignored = ignored == null ? List.of() : List.copyOf(ignored);
    }

    /** An event that is not a customer message nor a receipt: its type, and why it was passed over. */
    public record Ignored(String type, String reason) {
    }

    public static WebhookEvents empty() {
        return new WebhookEvents(List.of(), List.of(), List.of());
    }

    /** Whether the call carried anything at all. */
    public boolean isEmpty() {
        return messages.isEmpty() && receipts.isEmpty() && ignored.isEmpty();
    }
}
