package org.casebridge.channel.whatsapp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.ChatProperties;
import org.casebridge.channel.chat.UnknownContent;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.MediaFetcher;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The WhatsApp Cloud API webhook: Meta's GET verification handshake, {@code X-Hub-Signature-256} over the raw body,
 * and the {@code whatsapp_business_account} payload (customer messages of every type, message statuses) read into
 * {@link WebhookEvents}. Media is fetched from the Graph API with the access token.
 */
@Component
public class WhatsAppPlatform implements ChatPlatform {

    static final String OBJECT = "whatsapp_business_account";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WhatsAppProperties properties;
    private final ChatProperties chat;
    private final MediaFetcher fetcher;

    public WhatsAppPlatform(WhatsAppProperties properties, ChatProperties chat, MediaFetcher fetcher) {
        this.properties = properties;
        this.chat = chat;
        this.fetcher = fetcher;
    }

    /** An instance with default settings and no network, for the {@code normalise} command. */
    public static WhatsAppPlatform forNormalise() {
        return new WhatsAppPlatform(new WhatsAppProperties(), new ChatProperties(), null);
    }

    @Override
    public Channel channel() {
        return Channel.WHATSAPP;
    }

    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        if ("GET".equalsIgnoreCase(request.method())) {
            return handshake(request);
        }
        if (properties.getAppSecret() == null || properties.getAppSecret().isBlank()) {
            throw new WebhookSignatureException("No WhatsApp app secret is configured (casebridge.channels.whatsapp.app-secret): every call is refused.");
        }
        String signature = request.header("X-Hub-Signature-256");
        if (signature == null) {
            throw new WebhookSignatureException("The request carries no X-Hub-Signature-256 header.");
        }
        if (!WebhookSignatures.isValidHubSignature256(properties.getAppSecret(), request.body(), signature)) {
            throw new WebhookSignatureException("The X-Hub-Signature-256 header does not match the request body.");
        }
        return null;
    }

    /** Meta's subscription check: echo {@code hub.challenge} when the mode is subscribe and the token is ours. */
    private WebhookHandshake handshake(WebhookRequest request) {
        String mode = request.queryParameter("hub.mode");
        String token = request.queryParameter("hub.verify_token");
        String challenge = request.queryParameter("hub.challenge");
        if (!"subscribe".equals(mode) || challenge == null) {
            throw new RejectedRequestException(400, "invalid-handshake", "Not a verification request",
                    "A GET to this webhook must be Meta's verification request: hub.mode=subscribe with hub.verify_token and hub.challenge.");
        }
        String expected = properties.getVerifyToken();
        if (expected == null || expected.isBlank() || !WebhookSignatures.constantTimeEquals(expected, token)) {
            // Meta's documented answer to a token mismatch
            throw new RejectedRequestException(403, "invalid-verify-token", "Verify token mismatch",
                    "hub.verify_token does not match casebridge.channels.whatsapp.verify-token.");
        }
        return WebhookHandshake.text(challenge);
    }

    @Override
    public WebhookEvents parse(WebhookRequest request) {
        JsonNode root = readJson(request.body());
        if (!OBJECT.equals(root.path("object").asText(null))) {
            throw invalid("The payload's object is '" + root.path("object").asText("") + "', not " + OBJECT + ".");
        }
        if (!root.path("entry").isArray()) {
            throw invalid("The payload has no entry array.");
        }
        List<ChatMessage> messages = new ArrayList<>();
        List<DeliveryReceipt> receipts = new ArrayList<>();
        List<WebhookEvents.Ignored> ignored = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                String field = change.path("field").asText("");
                JsonNode value = change.path("value");
                if (!"messages".equals(field)) {
                    // template reviews, account and quality updates: nothing for a case
                    ignored.add(new WebhookEvents.Ignored(field.isEmpty() ? "unknown" : field, "WhatsApp change '" + field + "' is not a customer message"));
                    continue;
                }
                readValue(value, messages, receipts, ignored);
            }
        }
        return new WebhookEvents(messages, receipts, ignored);
    }

    private void readValue(JsonNode value, List<ChatMessage> messages, List<DeliveryReceipt> receipts, List<WebhookEvents.Ignored> ignored) {
        String account = value.path("metadata").path("phone_number_id").asText(null);
        Map<String, String> names = new HashMap<>();
        for (JsonNode contact : value.path("contacts")) {
            String waId = contact.path("wa_id").asText(null);
            String name = contact.path("profile").path("name").asText(null);
            if (waId != null && name != null) {
                names.put(waId, name);
            }
        }
        for (JsonNode message : value.path("messages")) {
            readMessage(account, names, message, messages, ignored);
        }
        for (JsonNode status : value.path("statuses")) {
            readStatus(status, receipts, ignored);
        }
        for (JsonNode error : value.path("errors")) {
            ignored.add(new WebhookEvents.Ignored("error", "WhatsApp reported an error: " + errorText(error)));
        }
    }

    private void readMessage(String account, Map<String, String> names, JsonNode message, List<ChatMessage> messages,
                             List<WebhookEvents.Ignored> ignored) {
        String id = message.path("id").asText(null);
        String from = message.path("from").asText(null);
        String type = message.path("type").asText("unknown");
        if (id == null || from == null) {
            throw invalid("A WhatsApp message without id or sender (from): " + message);
        }
        List<ChatMessage.MediaRef> media = new ArrayList<>();
        String text;
        switch (type) {
            case "text" -> text = message.path("text").path("body").asText("");
            case "image", "video", "audio", "sticker", "document" -> {
                JsonNode item = message.path(type);
                String mediaId = item.path("id").asText(null);
                if (mediaId == null) {
                    throw invalid("WhatsApp " + type + " message " + id + " names no media id.");
                }
                media.add(new ChatMessage.MediaRef(mediaId, null, item.path("mime_type").asText(null),
                        item.path("filename").asText(null), null));
                text = item.path("caption").asText("");
            }
            case "location" -> text = location(message.path("location"));
            case "contacts" -> text = contacts(message.path("contacts"));
            case "interactive" -> text = interactive(message.path("interactive"));
            case "button" -> text = choice(message.path("button").path("text").asText(""), message.path("button").path("payload").asText(null));
            case "reaction" -> {
                JsonNode reaction = message.path("reaction");
                String emoji = reaction.path("emoji").asText("");
                ignored.add(new WebhookEvents.Ignored("reaction", (emoji.isEmpty() ? "Reaction removed" : "Reaction " + emoji)
                        + " from " + from + " to message " + reaction.path("message_id").asText("?")));
                return;
            }
            case "order" -> text = order(message.path("order"));
            default -> {
                // unsupported (a type the Cloud API cannot show yet), system notices and types added later: still the
                // customer's message, so it opens or joins their case and says what arrived (the webhook's raw
                // payload is archived as the message's source.rawRef)
                StringJoiner errors = new StringJoiner("; ");
                message.path("errors").forEach(e -> errors.add(errorText(e)));
                text = UnknownContent.describe("WhatsApp", type, errors.toString(), message.path(type));
            }
        }
        String replyTo = message.path("context").path("id").asText(null);
        ChatMessage.Sender sender = new ChatMessage.Sender(from, null, names.get(from), from, null);
        messages.add(new ChatMessage(Channel.WHATSAPP, account, id, "message", epochSeconds(message.path("timestamp").asText(null)),
                sender, text, media, replyTo));
    }

    /** An order from the business's catalogue: the items as the customer sees them, and the customer's note. */
    private static String order(JsonNode order) {
        StringJoiner lines = new StringJoiner("\n");
        lines.add("Order from catalogue " + order.path("catalog_id").asText("?") + ":");
        for (JsonNode item : order.path("product_items")) {
            lines.add("- " + item.path("quantity").asText("?") + " x " + item.path("product_retailer_id").asText("?")
                    + " at " + item.path("item_price").asText("?") + " " + item.path("currency").asText(""));
        }
        String note = order.path("text").asText("");
        if (!note.isBlank()) {
            lines.add(note);
        }
        return lines.toString();
    }

    private void readStatus(JsonNode status, List<DeliveryReceipt> receipts, List<WebhookEvents.Ignored> ignored) {
        String id = status.path("id").asText(null);
        String value = status.path("status").asText("");
        String mapped = switch (value) {
            case "sent" -> DeliveryReceipt.SENT;
            case "delivered" -> DeliveryReceipt.DELIVERED;
            case "read" -> DeliveryReceipt.READ;
            case "failed" -> DeliveryReceipt.FAILED;
            default -> null;
        };
        if (id == null || mapped == null) {
            ignored.add(new WebhookEvents.Ignored("status:" + (value.isEmpty() ? "unknown" : value),
                    "WhatsApp status '" + value + "' for message " + id + " is not a delivery status the bridge records"));
            return;
        }
        String detail = null;
        if (DeliveryReceipt.FAILED.equals(mapped)) {
            StringJoiner errors = new StringJoiner("; ");
            status.path("errors").forEach(e -> errors.add(errorText(e)));
            detail = errors.length() == 0 ? null : "WhatsApp: " + errors;
        }
        receipts.add(new DeliveryReceipt(Channel.WHATSAPP, id, mapped, epochSeconds(status.path("timestamp").asText(null)), detail));
    }

    /** "Location: lat, long — name, address" and a map link, so the back office sees the place without WhatsApp. */
    static String location(JsonNode location) {
        String latitude = location.path("latitude").asText("");
        String longitude = location.path("longitude").asText("");
        StringJoiner place = new StringJoiner(", ");
        for (String part : new String[]{location.path("name").asText(""), location.path("address").asText("")}) {
            if (!part.isBlank()) {
                place.add(part.strip());
            }
        }
        StringBuilder text = new StringBuilder("Location: ").append(latitude).append(", ").append(longitude);
        if (place.length() > 0) {
            text.append(" — ").append(place);
        }
        text.append("\nhttps://www.openstreetmap.org/?mlat=").append(encode(latitude)).append("&mlon=").append(encode(longitude)).append("&zoom=17");
        String url = location.path("url").asText("");
        if (!url.isBlank()) {
            text.append("\n").append(url);
        }
        return text.toString();
    }

    /** A shared contact card in words: name, numbers, addresses. */
    static String contacts(JsonNode contacts) {
        List<String> lines = new ArrayList<>();
        for (JsonNode contact : contacts) {
            StringJoiner card = new StringJoiner(", ");
            String name = contact.path("name").path("formatted_name").asText("");
            card.add(name.isBlank() ? "(no name)" : name);
            contact.path("phones").forEach(p -> card.add(p.path("phone").asText(p.path("wa_id").asText(""))));
            contact.path("emails").forEach(e -> card.add(e.path("email").asText("")));
            JsonNode org = contact.path("org");
            if (!org.path("company").asText("").isBlank()) {
                card.add(org.path("company").asText());
            }
            lines.add("Shared contact: " + card);
        }
        return String.join("\n", lines);
    }

    /** The customer's answer to a button or list: its title and id (the id says which option the template meant). */
    static String interactive(JsonNode interactive) {
        String type = interactive.path("type").asText("");
        return switch (type) {
            case "button_reply", "list_reply" -> {
                JsonNode reply = interactive.path(type);
                String description = reply.path("description").asText("");
                yield choice(reply.path("title").asText(""), reply.path("id").asText(null)) + (description.isBlank() ? "" : "\n" + description);
            }
            case "nfm_reply" -> "Form answer: " + interactive.path("nfm_reply").path("response_json").asText("");
            default -> "Interactive answer (" + type + "): " + interactive;
        };
    }

    private static String choice(String title, String id) {
        return id == null || id.isBlank() || id.equals(title) ? title : title + " [" + id + "]";
    }

    private static String errorText(JsonNode error) {
        StringJoiner text = new StringJoiner(" ");
        if (error.has("code")) {
            text.add("(" + error.path("code").asText() + ")");
        }
        for (String field : new String[]{"title", "message"}) {
            String value = error.path(field).asText("");
            if (!value.isBlank() && !text.toString().contains(value)) {
                text.add(value);
            }
        }
        String details = error.path("error_data").path("details").asText("");
        if (!details.isBlank()) {
            text.add("- " + details);
        }
        return text.toString();
    }

    @Override
    public MediaContent download(ChatMessage.MediaRef media) {
        if (fetcher == null) {
            throw new IllegalStateException("This WhatsApp platform has no network access");
        }
        Map<String, String> auth = Map.of("Authorization", "Bearer " + properties.getAccessToken());
        // the media id resolves to a short-lived URL, which wants the same token
        MediaContent described = fetcher.get(Channel.WHATSAPP, properties.graphApi() + "/" + encode(media.platformId()), auth, null);
        JsonNode info;
        try {
            info = JSON.readTree(described.bytes());
        } catch (java.io.IOException e) {
            throw new MediaFetcher.MediaUnavailableException("WhatsApp's description of media " + media.platformId() + " is not JSON", e);
        }
        String url = info.path("url").asText(null);
        if (url == null) {
            throw new MediaFetcher.MediaUnavailableException("WhatsApp gave no URL for media " + media.platformId());
        }
        long size = info.path("file_size").asLong(-1);
        if (size > chat.getMaxMediaSize().toBytes()) {
            throw new MediaFetcher.MediaTooLargeException("WhatsApp media " + media.platformId() + " is " + size + " bytes");
        }
        MediaContent content = fetcher.get(Channel.WHATSAPP, url, auth, media.filename());
        String type = media.contentType() != null ? media.contentType() : info.path("mime_type").asText(content.contentType());
        return new MediaContent(content.bytes(), type, media.filename());
    }

    private static Instant epochSeconds(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode readJson(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw invalid("The body is not a JSON object.");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw invalid("The body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw invalid("The body cannot be read: " + e.getMessage());
        }
    }

    private static RejectedRequestException invalid(String detail) {
        return new RejectedRequestException(400, "invalid-payload", "Not a WhatsApp webhook payload", detail);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
