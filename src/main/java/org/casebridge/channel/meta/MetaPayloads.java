package org.casebridge.channel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.UnknownContent;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.shared.RejectedRequestException;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads Messenger Platform webhook payloads, the format Facebook Messenger ({@code object: page}) and Instagram
 * messaging ({@code object: instagram}) share: {@code entry[].messaging[]} events of a customer (sender) and the
 * organisation's Page or Instagram account (recipient). Pure: no network, no database.
 * <p>
 * What each event becomes: {@code message} a customer message (text, quick-reply payload, attachments as media or as
 * a line of text), {@code postback} a message with the button's title, {@code message_edit} a new message
 * {@code <mid>:edit:<n>} on the same case; {@code delivery} and {@code read} receipts of our own messages (by id, and
 * by watermark: see {@link Watermark}); echoes of our own messages, reactions, deletions, referrals, opt-ins,
 * hand-over and anything unknown are passed over with the reason.
 */
public final class MetaPayloads {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The sticker Messenger sends for its "like" button. */
    private static final String LIKE_STICKER = "369239263222822";

    /** What one call carried: the events, and the read/delivery watermarks (they need the database to resolve). */
    public record Parsed(WebhookEvents events, List<Watermark> watermarks) {
    }

    /**
     * "Every message we sent this customer up to {@code upTo} was delivered/read" (Messenger's {@code watermark}), or
     * "up to our message {@code mid}" (Instagram's {@code read.mid}).
     *
     * @param customer the customer's platform id (PSID / IGSID)
     * @param status   {@link DeliveryReceipt#DELIVERED} or {@link DeliveryReceipt#READ}
     * @param upTo     the watermark, or null when only {@code mid} is known
     * @param mid      our message the customer read up to, or null
     */
    public record Watermark(Channel channel, String account, String customer, String status, Instant upTo, String mid) {
    }

    private MetaPayloads() {
    }

    /**
     * Reads {@code body} as a webhook call for {@code channel}, whose payloads name {@code object} ({@code page} or
     * {@code instagram}). A body that is not such a payload is a 400 {@link RejectedRequestException}.
     */
    public static Parsed parse(byte[] body, Channel channel, String object) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw invalid(channel, "The body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid(channel, "The body is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(channel, "The body is not a JSON object.");
        }
        String actual = root.path("object").asText(null);
        if (!object.equals(actual)) {
            throw invalid(channel, "A " + channel.wireName() + " webhook payload has \"object\": \"" + object + "\", this one "
                    + (actual == null ? "none" : "\"" + actual + "\"") + ".");
        }
        JsonNode entries = root.path("entry");
        if (!entries.isArray()) {
            throw invalid(channel, "The payload has no \"entry\" array.");
        }
        List<ChatMessage> messages = new ArrayList<>();
        List<DeliveryReceipt> receipts = new ArrayList<>();
        List<WebhookEvents.Ignored> ignored = new ArrayList<>();
        List<Watermark> watermarks = new ArrayList<>();
        for (JsonNode entry : entries) {
            String entryId = text(entry, "id");
            for (JsonNode event : entry.path("messaging")) {
                read(channel, entryId, event, messages, receipts, ignored, watermarks);
            }
            for (JsonNode event : entry.path("standby")) {
                ignored.add(new WebhookEvents.Ignored("standby", "an event on a conversation another app of the "
                        + (channel == Channel.INSTAGRAM ? "account" : "Page") + " controls (handover protocol): " + eventType(event)));
            }
            for (JsonNode change : entry.path("changes")) {
                ignored.add(new WebhookEvents.Ignored("changes:" + change.path("field").asText("unknown"),
                        "not a message: a change notification for the field '" + change.path("field").asText("unknown") + "'"));
            }
            if (!entry.has("messaging") && !entry.has("standby") && !entry.has("changes")) {
                ignored.add(new WebhookEvents.Ignored("entry", "an entry with no messaging events"));
            }
        }
        return new Parsed(new WebhookEvents(messages, receipts, ignored), watermarks);
    }

    private static void read(Channel channel, String entryId, JsonNode event, List<ChatMessage> messages, List<DeliveryReceipt> receipts,
                             List<WebhookEvents.Ignored> ignored, List<Watermark> watermarks) {
        String sender = text(event.path("sender"), "id");
        String recipient = text(event.path("recipient"), "id");
        String account = recipient != null ? recipient : entryId;
        Instant at = millis(event.path("timestamp"));
        JsonNode message = event.path("message");
        if (message.isObject()) {
            readMessage(channel, account, sender, at, message, messages, ignored);
        } else if (event.path("postback").isObject()) {
            JsonNode postback = event.path("postback");
            String title = text(postback, "title");
            String payload = text(postback, "payload");
            String mid = text(postback, "mid");
            String text = title != null ? title : payload != null ? payload : "";
            messages.add(new ChatMessage(channel, account, mid != null ? mid : "postback:" + sender + ":" + event.path("timestamp").asText(),
                    "postback", at, sender(sender), text, List.of(), null));
        } else if (event.path("message_edit").isObject()) {
            JsonNode edit = event.path("message_edit");
            String mid = text(edit, "mid");
            if (mid == null) {
                ignored.add(new WebhookEvents.Ignored("message_edit", "an edit without the id of the message it edits"));
                return;
            }
            String number = edit.path("num_edit").asText(at == null ? "1" : String.valueOf(at.toEpochMilli()));
            messages.add(new ChatMessage(channel, account, mid + ":edit:" + number, "message_edit", at, sender(sender),
                    text(edit, "text"), List.of(), mid));
        } else if (event.path("delivery").isObject()) {
            JsonNode delivery = event.path("delivery");
            Instant watermark = millis(delivery.path("watermark"));
            for (JsonNode mid : delivery.path("mids")) {
                receipts.add(new DeliveryReceipt(channel, mid.asText(), DeliveryReceipt.DELIVERED, watermark != null ? watermark : at, null));
            }
            if (watermark != null) {
                watermarks.add(new Watermark(channel, account, sender, DeliveryReceipt.DELIVERED, watermark, null));
            }
        } else if (event.path("read").isObject()) {
            JsonNode read = event.path("read");
            Instant watermark = millis(read.path("watermark"));
            String mid = text(read, "mid");
            if (mid != null) {
                receipts.add(new DeliveryReceipt(channel, mid, DeliveryReceipt.READ, at, null));
            }
            if (watermark != null || mid != null) {
                watermarks.add(new Watermark(channel, account, sender, DeliveryReceipt.READ, watermark, mid));
            } else {
                ignored.add(new WebhookEvents.Ignored("read", "a read event with neither watermark nor message id"));
            }
        } else if (event.path("reaction").isObject()) {
            JsonNode reaction = event.path("reaction");
            ignored.add(new WebhookEvents.Ignored("reaction", "the customer " + ("unreact".equals(text(reaction, "action")) ? "took back a reaction to"
                    : "reacted " + firstNonNull(text(reaction, "emoji"), text(reaction, "reaction"), "") + " to") + " message " + text(reaction, "mid")));
        } else {
            String type = eventType(event);
            ignored.add(new WebhookEvents.Ignored(type, switch (type) {
                case "referral" -> "the customer came from a link or ad (referral): no message";
                case "optin" -> "an opt-in (plugin or notification request): no message";
                case "account_linking" -> "account linking: no message";
                case "pass_thread_control", "take_thread_control", "request_thread_control" -> "handover of the conversation between apps";
                case "policy_enforcement" -> "Meta's policy enforcement notice to the app";
                default -> "an event type casebridge does not act on";
            }));
        }
    }

    private static void readMessage(Channel channel, String account, String sender, Instant at, JsonNode message,
                                    List<ChatMessage> messages, List<WebhookEvents.Ignored> ignored) {
        String mid = text(message, "mid");
        if (message.path("is_echo").asBoolean(false)) {
            ignored.add(new WebhookEvents.Ignored("message_echo", "our own message " + mid + " echoed back by " + channel.wireName()));
            return;
        }
        if (message.path("is_deleted").asBoolean(false)) {
            ignored.add(new WebhookEvents.Ignored("message_deleted", "the customer unsent message " + mid + " (it stays on the case)"));
            return;
        }
        if (mid == null) {
            ignored.add(new WebhookEvents.Ignored("message", "a message without an id cannot be de-duplicated: passed over"));
            return;
        }
        StringBuilder text = new StringBuilder(message.path("text").asText(""));
        String quickReply = text(message.path("quick_reply"), "payload");
        if (quickReply != null && !quickReply.contentEquals(text)) {
            // the button's title is the text; its payload is what the organisation's own bot set, often a code
            line(text, text.isEmpty() ? quickReply : "[quick reply: " + quickReply + "]");
        }
        List<ChatMessage.MediaRef> media = new ArrayList<>();
        for (JsonNode attachment : message.path("attachments")) {
            attachment(attachment, media, text);
        }
        if (message.path("is_unsupported").asBoolean(false)) {
            line(text, "[The customer sent something " + (channel == Channel.INSTAGRAM ? "Instagram" : "Messenger")
                    + " does not pass on; see the conversation in the app.]");
        }
        if (text.isEmpty() && media.isEmpty()) {
            // a message kind added after this was written: still the customer's message, it says what arrived
            String kind = "unknown";
            for (var fields = message.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!Set.of("mid", "text", "attachments", "quick_reply", "reply_to", "is_echo", "is_deleted", "is_unsupported").contains(field)) {
                    kind = field;
                    break;
                }
            }
            line(text, UnknownContent.describe(channel == Channel.INSTAGRAM ? "Instagram" : "Messenger", kind, null, message.path(kind)));
        }
        String replyTo = text(message.path("reply_to"), "mid");
        messages.add(new ChatMessage(channel, account, mid, "message", at, sender(sender), text.toString(), media, replyTo));
    }

    /** An attachment: pictures, video, audio and files are fetched; the rest become a line of text. */
    private static void attachment(JsonNode attachment, List<ChatMessage.MediaRef> media, StringBuilder text) {
        String type = attachment.path("type").asText("unknown");
        JsonNode payload = attachment.path("payload");
        String url = text(payload, "url");
        switch (type) {
            case "image", "video", "audio", "file" -> {
                String sticker = text(payload, "sticker_id");
                if (sticker != null) {
                    line(text, LIKE_STICKER.equals(sticker) ? "👍" : "[sticker]");
                } else if (url != null) {
                    media.add(new ChatMessage.MediaRef(null, url, null, filename(url), null));
                } else {
                    line(text, "[" + type + " without a link]");
                }
            }
            case "location" -> {
                JsonNode coordinates = payload.path("coordinates");
                line(text, "[Location: " + coordinates.path("lat").asText("?") + ", " + coordinates.path("long").asText("?")
                        + (attachment.has("title") ? " (" + attachment.path("title").asText() + ")" : "") + "]");
            }
            case "share", "ig_post", "ig_reel", "reel", "story_mention", "fallback", "template" -> {
                String what = switch (type) {
                    case "story_mention" -> "Mentioned us in their story";
                    case "ig_reel", "reel" -> "Shared a reel";
                    case "ig_post" -> "Shared a post";
                    case "template" -> "Structured message";
                    default -> "Shared";
                };
                String title = firstNonNull(text(attachment, "title"), text(payload, "title"), null);
                line(text, "[" + what + (title != null ? ": " + title : "") + (url != null ? " " + url : "") + "]");
            }
            default -> line(text, "[" + type + " attachment]");
        }
    }

    /** The last path segment of {@code url} when it looks like a file name (Messenger's file URLs end in one). */
    static String filename(String url) {
        try {
            String path = URI.create(url).getPath();
            if (path == null) {
                return null;
            }
            String last = path.substring(path.lastIndexOf('/') + 1);
            return last.matches("[^/]{1,200}\\.[A-Za-z0-9]{1,8}") ? last : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ChatMessage.Sender sender(String id) {
        return new ChatMessage.Sender(id, null, null, null, null);
    }

    /** The name of an event's kind: the first key that is not sender, recipient or timestamp. */
    static String eventType(JsonNode event) {
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("sender", "recipient", "timestamp").contains(name)) {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return "unknown";
    }

    private static void line(StringBuilder text, String line) {
        if (!text.isEmpty()) {
            text.append('\n');
        }
        text.append(line);
    }

    private static Instant millis(JsonNode value) {
        return value.canConvertToLong() ? Instant.ofEpochMilli(value.asLong()) : null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() && !value.asText().isEmpty() ? value.asText() : null;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static RejectedRequestException invalid(Channel channel, String detail) {
        return new RejectedRequestException(400, "invalid-payload", "Invalid webhook payload",
                "Not a " + channel.wireName() + " webhook payload. " + detail);
    }
}
