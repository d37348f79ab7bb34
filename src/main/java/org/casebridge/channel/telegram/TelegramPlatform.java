package org.casebridge.channel.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.UnknownContent;
import org.casebridge.channel.chat.MediaFetcher;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Telegram Bot API webhooks: the secret token check, and {@code Update} objects read into customer messages. Private
 * chats with the bot become cases; {@code message}, {@code edited_message} (a new case message, the edit being new
 * information) and {@code callback_query} (a button the customer pressed) are messages, every other update type is
 * acknowledged and recorded. Telegram sends no delivery receipts for bots.
 */
@Component
public class TelegramPlatform implements ChatPlatform {

    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields of a Message that describe it rather than carry what was sent (Bot API 7+; forward_* are matched by prefix). */
    private static final Set<String> ENVELOPE_FIELDS = Set.of("message_id", "message_thread_id", "from", "sender_chat",
            "sender_boost_count", "sender_business_bot", "date", "business_connection_id", "chat", "is_topic_message",
            "is_automatic_forward", "reply_to_message", "external_reply", "quote", "reply_to_story", "via_bot", "edit_date",
            "has_protected_content", "is_from_offline", "media_group_id", "author_signature", "text", "entities",
            "link_preview_options", "effect_id", "caption", "caption_entities", "show_caption_above_media",
            "has_media_spoiler", "reply_markup");
    /** Service messages: Telegram telling the bot about the chat, not the customer writing to the landlord. */
    private static final Set<String> SERVICE_FIELDS = Set.of("new_chat_members", "left_chat_member", "new_chat_title",
            "new_chat_photo", "delete_chat_photo", "group_chat_created", "supergroup_chat_created", "channel_chat_created",
            "message_auto_delete_timer_changed", "migrate_to_chat_id", "migrate_from_chat_id", "pinned_message",
            "connected_website", "write_access_allowed", "proximity_alert_triggered", "boost_added", "chat_background_set",
            "forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
            "general_forum_topic_hidden", "general_forum_topic_unhidden", "video_chat_scheduled", "video_chat_started",
            "video_chat_ended", "video_chat_participants_invited");

    private final TelegramProperties properties;
    private final MediaFetcher media;

    public TelegramPlatform(TelegramProperties properties, MediaFetcher media) {
        this.properties = properties;
        this.media = media;
    }

    /** An offline instance with default settings, for the {@code normalise} command. */
    public static TelegramPlatform forNormalise() {
        return new TelegramPlatform(new TelegramProperties(), null);
    }

    @Override
    public Channel channel() {
        return Channel.TELEGRAM;
    }

    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        String expected = properties.getSecretToken();
        if (expected == null || expected.isBlank()) {
            throw new WebhookSignatureException("No secret token is configured for Telegram (casebridge.channels.telegram.secret-token):"
                    + " webhook calls cannot be verified and are refused.");
        }
        if (!WebhookSignatures.constantTimeEquals(expected, request.header(SECRET_HEADER))) {
            throw new WebhookSignatureException("The " + SECRET_HEADER + " header does not match the configured secret token.");
        }
        return null;
    }

    @Override
    public WebhookEvents parse(WebhookRequest request) {
        JsonNode update;
        try {
            update = JSON.readTree(request.body());
        } catch (IOException e) {
            throw new RejectedRequestException(400, "invalid-payload", "Invalid payload", "The Telegram update is not JSON: " + e.getMessage());
        }
        if (update == null || !update.isObject() || !update.has("update_id")) {
            throw new RejectedRequestException(400, "invalid-payload", "Invalid payload", "A Telegram update is a JSON object with update_id.");
        }
        List<ChatMessage> messages = new ArrayList<>();
        List<WebhookEvents.Ignored> ignored = new ArrayList<>();
        String account = properties.getBotUsername();
        if (update.has("message")) {
            readMessage(update.get("message"), "message", account, messages, ignored);
        } else if (update.has("edited_message")) {
            readMessage(update.get("edited_message"), "edited_message", account, messages, ignored);
        } else if (update.has("callback_query")) {
            readCallback(update.get("callback_query"), account, messages, ignored);
        } else {
            Iterator<String> fields = update.fieldNames();
            String type = "unknown";
            while (fields.hasNext()) {
                String field = fields.next();
                if (!field.equals("update_id")) {
                    type = field;
                    break;
                }
            }
            ignored.add(new WebhookEvents.Ignored(type, "Telegram update type '" + type + "' carries no customer message"));
        }
        return new WebhookEvents(messages, List.of(), ignored);
    }

    private void readMessage(JsonNode message, String event, String account, List<ChatMessage> messages, List<WebhookEvents.Ignored> ignored) {
        JsonNode chat = message.path("chat");
        JsonNode from = message.path("from");
        if (!"private".equals(chat.path("type").asText("private"))) {
            ignored.add(new WebhookEvents.Ignored(event, "message in a " + chat.path("type").asText() + " chat: only private chats with the bot become cases"));
            return;
        }
        if (from.path("is_bot").asBoolean(false)) {
            ignored.add(new WebhookEvents.Ignored(event, "message from a bot"));
            return;
        }
        String chatId = chat.path("id").asText(from.path("id").asText());
        String messageId = message.path("message_id").asText();
        StringBuilder text = new StringBuilder();
        List<ChatMessage.MediaRef> refs = new ArrayList<>();
        String forwarded = forwardedFrom(message);
        if (forwarded != null) {
            text.append("[Forwarded from ").append(forwarded).append("]\n");
        }
        String body = message.has("text") ? message.get("text").asText() : message.path("caption").asText("");
        if (body.strip().equals("/start") && forwarded == null && "message".equals(event)) {
            // the customer opened the chat with the bot: nothing to answer yet, no case
            ignored.add(new WebhookEvents.Ignored("bot_started", "the customer started the bot (/start)"));
            return;
        }
        text.append(body);
        media(message, refs, text);
        String externalId = chatId + ":" + messageId;
        if ("edited_message".equals(event)) {
            externalId = externalId + ":edit:" + message.path("edit_date").asText("0");
            text.insert(0, "[Edited message]\n");
        }
        String replyTo = message.path("reply_to_message").has("message_id")
                ? chatId + ":" + message.path("reply_to_message").path("message_id").asText() : null;
        String phone = message.path("contact").path("user_id").asText("").equals(from.path("id").asText())
                ? message.path("contact").path("phone_number").asText(null) : null;
        if (text.toString().isBlank() && refs.isEmpty()) {
            String content = contentField(message);
            if (content == null) {
                ignored.add(new WebhookEvents.Ignored(event, "a Telegram service message (" + serviceField(message) + "), not the customer's words"));
                return;
            }
            // a poll, a dice throw, a payment, a story or a type added after this was written: the customer's message
            text.append(UnknownContent.describe("Telegram", content, null, message.get(content)));
        }
        messages.add(new ChatMessage(Channel.TELEGRAM, account, externalId, event, epoch(message.path(
                "edited_message".equals(event) ? "edit_date" : "date")), sender(from, phone), text.toString().strip(), refs, replyTo));
    }

    private void readCallback(JsonNode callback, String account, List<ChatMessage> messages, List<WebhookEvents.Ignored> ignored) {
        JsonNode from = callback.path("from");
        String data = callback.path("data").asText(callback.path("game_short_name").asText(""));
        JsonNode message = callback.path("message");
        String chatId = message.path("chat").path("id").asText(from.path("id").asText());
        String replyTo = message.has("message_id") ? chatId + ":" + message.path("message_id").asText() : null;
        String label = message.has("text") ? " (on \"" + message.get("text").asText() + "\")" : "";
        messages.add(new ChatMessage(Channel.TELEGRAM, account, "callback:" + callback.path("id").asText(), "callback_query",
                null, sender(from, null), "[Button pressed] " + data + label, List.of(), replyTo));
    }

    /** The field of a message that carries what the customer sent, when it is not one the bridge renders; null for a service message. */
    private static String contentField(JsonNode message) {
        for (Iterator<String> fields = message.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!ENVELOPE_FIELDS.contains(field) && !SERVICE_FIELDS.contains(field) && !field.startsWith("forward_")) {
                return field;
            }
        }
        return null;
    }

    private static String serviceField(JsonNode message) {
        for (Iterator<String> fields = message.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (SERVICE_FIELDS.contains(field)) {
                return field;
            }
        }
        return "no content";
    }

    private static ChatMessage.Sender sender(JsonNode from, String phone) {
        String name = (from.path("first_name").asText("") + " " + from.path("last_name").asText("")).strip();
        return new ChatMessage.Sender(from.path("id").asText(null), from.path("username").asText(null), name.isEmpty() ? null : name, phone, null);
    }

    private static String forwardedFrom(JsonNode message) {
        JsonNode origin = message.path("forward_origin");
        if (!origin.isMissingNode()) {
            JsonNode who = origin.has("sender_user") ? origin.get("sender_user") : origin.path("chat");
            String name = who.has("title") ? who.get("title").asText() : (who.path("first_name").asText("") + " " + who.path("last_name").asText("")).strip();
            return name.isEmpty() ? origin.path("sender_user_name").asText("someone") : name;
        }
        if (message.has("forward_from")) {
            JsonNode who = message.get("forward_from");
            String name = who.has("title") ? who.get("title").asText() : (who.path("first_name").asText("") + " " + who.path("last_name").asText("")).strip();
            return name.isEmpty() ? "someone" : name;
        }
        if (message.has("forward_from_chat")) {
            return message.get("forward_from_chat").path("title").asText("a chat");
        }
        return message.has("forward_sender_name") ? message.get("forward_sender_name").asText() : null;
    }

    /** Media of a message, as references to fetch, and what cannot be fetched (location, contact) as text. */
    private static void media(JsonNode message, List<ChatMessage.MediaRef> refs, StringBuilder text) {
        if (message.has("photo") && message.get("photo").isArray() && !message.get("photo").isEmpty()) {
            JsonNode largest = message.get("photo").get(message.get("photo").size() - 1);
            refs.add(ref(largest, "image/jpeg", "photo.jpg"));
        }
        for (String kind : List.of("document", "audio", "voice", "video", "video_note", "animation")) {
            if (message.has(kind)) {
                JsonNode file = message.get(kind);
                String fallbackType = switch (kind) {
                    case "voice" -> "audio/ogg";
                    case "audio" -> "audio/mpeg";
                    case "video", "video_note", "animation" -> "video/mp4";
                    default -> "application/octet-stream";
                };
                refs.add(ref(file, file.path("mime_type").asText(fallbackType), file.path("file_name").asText(null)));
            }
        }
        if (message.has("sticker")) {
            append(text, "[Sticker " + message.get("sticker").path("emoji").asText("") + "]");
        }
        if (message.has("location")) {
            JsonNode location = message.get("location");
            String venue = message.has("venue") ? " — " + message.get("venue").path("title").asText("") + ", " + message.get("venue").path("address").asText("") : "";
            append(text, "Location: " + location.path("latitude").asText() + ", " + location.path("longitude").asText() + venue
                    + " https://www.openstreetmap.org/?mlat=" + location.path("latitude").asText() + "&mlon=" + location.path("longitude").asText());
        }
        if (message.has("contact")) {
            JsonNode contact = message.get("contact");
            append(text, "Contact: " + (contact.path("first_name").asText("") + " " + contact.path("last_name").asText("")).strip()
                    + " " + contact.path("phone_number").asText(""));
        }
    }

    private static ChatMessage.MediaRef ref(JsonNode file, String contentType, String filename) {
        return new ChatMessage.MediaRef(file.path("file_id").asText(), null, contentType, filename,
                file.has("file_size") ? file.get("file_size").asLong() : null);
    }

    private static void append(StringBuilder text, String line) {
        if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
            text.append('\n');
        }
        text.append(line);
    }

    private static Instant epoch(JsonNode seconds) {
        return seconds.canConvertToLong() && seconds.asLong() > 0 ? Instant.ofEpochSecond(seconds.asLong()) : null;
    }

    /** getFile for the file's path, then the file itself from the bot's file area. */
    @Override
    public MediaContent download(ChatMessage.MediaRef ref) {
        String base = properties.getApiBaseUrl().replaceAll("/+$", "");
        String token = properties.getBotToken();
        MediaContent answer = media.get(Channel.TELEGRAM, base + "/bot" + token + "/getFile?file_id=" + URLEncoder.encode(ref.platformId(), StandardCharsets.UTF_8),
                Map.of(), null);
        JsonNode file;
        try {
            file = JSON.readTree(answer.bytes()).path("result");
        } catch (IOException e) {
            throw new MediaFetcher.MediaUnavailableException("Telegram getFile answered something that is not JSON", e);
        }
        String path = file.path("file_path").asText(null);
        if (path == null) {
            throw new MediaFetcher.MediaUnavailableException("Telegram getFile gave no file_path for " + ref.platformId());
        }
        String filename = ref.filename() != null ? ref.filename() : path.substring(path.lastIndexOf('/') + 1);
        MediaContent content = media.get(Channel.TELEGRAM, base + "/file/bot" + token + "/" + path, Map.of(), filename);
        // Telegram serves files as octet-stream: the type the update announced says more
        String type = content.contentType() == null || content.contentType().startsWith("application/octet-stream") ? ref.contentType() : content.contentType();
        return new MediaContent(content.bytes(), type, filename);
    }
}
