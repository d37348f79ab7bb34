package org.casebridge.channel.twitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.MediaFetcher;
import org.casebridge.channel.chat.UnknownContent;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The X (Twitter) Account Activity API webhook: the CRC challenge, the {@code X-Twitter-Webhooks-Signature} check,
 * and the payload read into customer messages (direct messages and public mentions of the account), read receipts
 * of our direct messages, and events passed over (typing, likes, follows, blocks, our own messages ...).
 * <p>
 * X signs the body only, no timestamp: a replayed call is de-duplicated by the DM event id or tweet id instead.
 */
@Component
public class TwitterPlatform implements ChatPlatform {

    /** The {@link ChatMessage#externalId()} prefix of a public mention: replies to it need care (see {@link TwitterReplies}). */
    public static final String TWEET_PREFIX = "tweet:";
    /** The {@link ChatMessage.MediaRef#platformId()} prefix of DM media, which X serves only with the account's token. */
    static final String DM_MEDIA_PREFIX = "dm:";

    static final String DM_EVENTS = "direct_message_events";
    static final String TWEET_EVENTS = "tweet_create_events";
    static final String READ_EVENTS = "direct_message_mark_read_events";
    /** Keys of a payload that are context, not events. */
    private static final Set<String> CONTEXT_KEYS = Set.of("for_user_id", "users", "apps", "user_has_blocked", "source");
    private static final DateTimeFormatter TWEET_TIME = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT);

    private final TwitterProperties properties;
    private final MediaFetcher media;
    private final ObjectMapper mapper = new ObjectMapper();

    public TwitterPlatform(TwitterProperties properties, MediaFetcher media) {
        this.properties = properties;
        this.media = media;
    }

    /** Default settings and no network, for the {@code normalise} command. */
    public static TwitterPlatform forNormalise() {
        return new TwitterPlatform(new TwitterProperties(), null);
    }

    /** Longest crc_token answered; X's tokens are a few dozen characters. */
    static final int MAX_CRC_TOKEN_LENGTH = 256;
    /** Base64 and base64url characters only: no brace, quote or colon, so no JSON body can be signed through the CRC. */
    private static final java.util.regex.Pattern CRC_TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_+/=-]{1," + MAX_CRC_TOKEN_LENGTH + "}");

    @Override
    public Channel channel() {
        return Channel.TWITTER;
    }

    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        String secret = properties.getConsumerSecret();
        if (secret == null || secret.isBlank()) {
            // never answer a CRC or accept a call with an empty secret: anyone could compute it
            throw new WebhookSignatureException("No X consumer secret is configured (casebridge.channels.twitter.consumer-secret): every call is refused.");
        }
        if ("GET".equalsIgnoreCase(request.method())) {
            String crcToken = request.queryParameter("crc_token");
            if (crcToken == null || crcToken.isEmpty()) {
                throw new RejectedRequestException(400, "missing-crc-token", "Missing crc_token",
                        "A GET to the X webhook is X's challenge-response check and must carry crc_token.");
            }
            if (!CRC_TOKEN.matcher(crcToken).matches()) {
                // the CRC answer is HMAC-SHA256(secret, crc_token), the very signature of a POST whose body is
                // crc_token: signing arbitrary text would make this endpoint a signing oracle for forged payloads.
                // X sends a short random token of base64/base64url characters, which can never parse as a payload.
                throw new RejectedRequestException(400, "invalid-crc-token", "Invalid crc_token",
                        "crc_token must be a challenge token as X sends it: at most " + MAX_CRC_TOKEN_LENGTH
                                + " letters, digits, '-', '_', '+', '/' or '='.");
            }
            String token = WebhookSignatures.xCrcResponseToken(secret, crcToken);
            return WebhookHandshake.json("{\"response_token\":\"" + token + "\"}");
        }
        if (!WebhookSignatures.isValidXSignature(secret, request.body(), request.header("X-Twitter-Webhooks-Signature"))) {
            throw new WebhookSignatureException("The X-Twitter-Webhooks-Signature header does not match the request.");
        }
        return null;
    }

    @Override
    public WebhookEvents parse(WebhookRequest request) {
        JsonNode root;
        try {
            root = mapper.readTree(request.body());
        } catch (java.io.IOException e) {
            throw new RejectedRequestException(400, "invalid-payload", "Invalid X payload", "The body is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("for_user_id").isValueNode()) {
            throw new RejectedRequestException(400, "invalid-payload", "Invalid X payload",
                    "An Account Activity payload is a JSON object with for_user_id.");
        }
        String account = root.path("for_user_id").asText();
        List<ChatMessage> messages = new ArrayList<>();
        List<DeliveryReceipt> receipts = new ArrayList<>();
        List<WebhookEvents.Ignored> ignored = new ArrayList<>();
        String configured = properties.getAccountId();
        if (configured != null && !configured.isBlank() && !configured.strip().equals(account)) {
            ignored.add(new WebhookEvents.Ignored("for_user_id", "events of account " + account + ", not the configured account " + configured.strip()));
            return new WebhookEvents(messages, receipts, ignored);
        }
        JsonNode users = root.path("users");
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            if (CONTEXT_KEYS.contains(key)) {
                continue;
            }
            JsonNode events = field.getValue();
            switch (key) {
                case DM_EVENTS -> events.forEach(event -> directMessage(account, event, users, messages, ignored));
                case TWEET_EVENTS -> events.forEach(tweet -> mention(account, tweet, messages, ignored));
                case READ_EVENTS -> events.forEach(event -> readReceipt(account, event, receipts, ignored));
                case "direct_message_indicate_typing_events" -> ignored.add(new WebhookEvents.Ignored(key, "the customer is typing"));
                case "favorite_events", "follow_events", "unfollow_events", "block_events", "unblock_events", "mute_events",
                     "unmute_events", "tweet_delete_events", "user_event" ->
                        ignored.add(new WebhookEvents.Ignored(key, "an account activity event, not a customer message"));
                default -> ignored.add(new WebhookEvents.Ignored(key, "an X event type this bridge does not know"));
            }
        }
        if (messages.isEmpty() && receipts.isEmpty() && ignored.isEmpty()) {
            ignored.add(new WebhookEvents.Ignored("empty", "the payload carried no events"));
        }
        return new WebhookEvents(messages, receipts, ignored);
    }

    /** A {@code message_create} DM event: the customer's message, or our own DM echoed back (passed over). */
    private void directMessage(String account, JsonNode event, JsonNode users, List<ChatMessage> messages, List<WebhookEvents.Ignored> ignored) {
        String type = event.path("type").asText("");
        if (!"message_create".equals(type)) {
            ignored.add(new WebhookEvents.Ignored(DM_EVENTS + ":" + (type.isEmpty() ? "unknown" : type), "a direct message event that is not a message"));
            return;
        }
        JsonNode create = event.path("message_create");
        String senderId = text(create.path("sender_id"));
        String id = text(event.path("id"));
        if (id == null || senderId == null) {
            ignored.add(new WebhookEvents.Ignored(DM_EVENTS + ":message_create", "a direct message without id or sender_id"));
            return;
        }
        if (senderId.equals(account)) {
            ignored.add(new WebhookEvents.Ignored(DM_EVENTS + ":own", "our own direct message " + id + ", echoed back by X"));
            return;
        }
        JsonNode data = create.path("message_data");
        String body = data.path("text").asText("");
        List<ChatMessage.MediaRef> refs = new ArrayList<>();
        JsonNode attachment = data.path("attachment");
        if ("media".equals(attachment.path("type").asText())) {
            JsonNode item = attachment.path("media");
            ChatMessage.MediaRef ref = mediaRef(item, DM_MEDIA_PREFIX);
            if (ref != null) {
                refs.add(ref);
                // X appends the media's t.co link to the text: the attachment says it better
                body = stripLink(body, item.path("url").asText(null));
            }
        } else if (!attachment.isMissingNode() && !attachment.isNull()) {
            body = (body.isBlank() ? "" : body + "\n") + UnknownContent.describe("X", "attachment:" + attachment.path("type").asText("unknown"), null, attachment);
        }
        if (body.isBlank() && refs.isEmpty()) {
            body = UnknownContent.describe("X", "direct_message", "no text", data);
        }
        JsonNode user = users.path(senderId);
        ChatMessage.Sender sender = new ChatMessage.Sender(senderId, text(user.path("screen_name")), text(user.path("name")), null, null);
        messages.add(new ChatMessage(Channel.TWITTER, account, id, "direct_message", millis(event.path("created_timestamp")),
                sender, body, refs, null));
    }

    /** A tweet in {@code tweet_create_events}: a public mention of the account, unless it is our own tweet or a retweet. */
    private void mention(String account, JsonNode tweet, List<ChatMessage> messages, List<WebhookEvents.Ignored> ignored) {
        String id = text(tweet.path("id_str"));
        JsonNode user = tweet.path("user");
        String authorId = text(user.path("id_str"));
        if (id == null || authorId == null) {
            ignored.add(new WebhookEvents.Ignored(TWEET_EVENTS, "a tweet without id_str or user.id_str"));
            return;
        }
        if (authorId.equals(account)) {
            ignored.add(new WebhookEvents.Ignored(TWEET_EVENTS + ":own", "our own tweet " + id));
            return;
        }
        if (tweet.has("retweeted_status")) {
            ignored.add(new WebhookEvents.Ignored(TWEET_EVENTS + ":retweet", "a retweet of the account's tweet, not a message"));
            return;
        }
        boolean extended = tweet.path("truncated").asBoolean(false) && tweet.path("extended_tweet").has("full_text");
        String body = extended ? tweet.path("extended_tweet").path("full_text").asText() : tweet.path("full_text").asText(tweet.path("text").asText(""));
        JsonNode entities = extended ? tweet.path("extended_tweet").path("extended_entities") : tweet.path("extended_entities");
        List<ChatMessage.MediaRef> refs = new ArrayList<>();
        for (JsonNode item : entities.path("media")) {
            ChatMessage.MediaRef ref = mediaRef(item, "");
            if (ref != null) {
                refs.add(ref);
                body = stripLink(body, item.path("url").asText(null));
            }
        }
        Instant sentAt = millis(tweet.path("timestamp_ms"));
        if (sentAt == null && tweet.hasNonNull("created_at")) {
            try {
                sentAt = ZonedDateTime.parse(tweet.get("created_at").asText(), TWEET_TIME).toInstant();
            } catch (DateTimeParseException e) {
                sentAt = null;
            }
        }
        ChatMessage.Sender sender = new ChatMessage.Sender(authorId, text(user.path("screen_name")), text(user.path("name")), null, null);
        messages.add(new ChatMessage(Channel.TWITTER, account, TWEET_PREFIX + id, "mention", sentAt, sender, body, refs,
                text(tweet.path("in_reply_to_status_id_str"))));
    }

    /** The customer read our direct messages up to {@code last_read_event_id}: that one is read. */
    private void readReceipt(String account, JsonNode event, List<DeliveryReceipt> receipts, List<WebhookEvents.Ignored> ignored) {
        String reader = text(event.path("sender_id"));
        String last = text(event.path("last_read_event_id"));
        if (last == null || account.equals(reader)) {
            ignored.add(new WebhookEvents.Ignored(READ_EVENTS, "the account read the customer's messages"));
            return;
        }
        receipts.add(new DeliveryReceipt(Channel.TWITTER, last, DeliveryReceipt.READ, millis(event.path("created_timestamp")), null));
    }

    /** A photo, GIF or video: the best MP4 for videos, the picture otherwise. */
    private static ChatMessage.MediaRef mediaRef(JsonNode item, String prefix) {
        String type = item.path("type").asText("photo");
        String url = item.path("media_url_https").asText(null);
        String contentType = "image/jpeg";
        if (("video".equals(type) || "animated_gif".equals(type)) && item.path("video_info").has("variants")) {
            JsonNode best = null;
            for (JsonNode variant : item.path("video_info").path("variants")) {
                if ("video/mp4".equals(variant.path("content_type").asText())
                        && (best == null || variant.path("bitrate").asLong(0) > best.path("bitrate").asLong(0))) {
                    best = variant;
                }
            }
            if (best != null) {
                url = best.path("url").asText(url);
                contentType = "video/mp4";
            }
        } else if (url != null && url.toLowerCase(Locale.ROOT).endsWith(".png")) {
            contentType = "image/png";
        }
        if (url == null || url.isBlank()) {
            return null;
        }
        String id = item.path("id_str").asText(null);
        String filename = url.substring(url.lastIndexOf('/') + 1).split("\\?", 2)[0];
        return new ChatMessage.MediaRef(prefix + (id == null ? "" : id), url, contentType, filename.isEmpty() ? null : filename, null);
    }

    @Override
    public MediaContent download(ChatMessage.MediaRef ref) {
        if (media == null) {
            throw new UnsupportedOperationException("Media is not fetched here");
        }
        String token = properties.getUserAccessToken();
        // DM media (ton.twitter.com) is served only to the account's own token; public tweet media needs none
        Map<String, String> headers = ref.platformId() != null && ref.platformId().startsWith(DM_MEDIA_PREFIX) && token != null && !token.isBlank()
                ? Map.of("Authorization", "Bearer " + token) : Map.of();
        return media.get(Channel.TWITTER, ref.url(), headers, ref.filename());
    }

    private static String stripLink(String body, String link) {
        if (link == null || link.isBlank() || body == null) {
            return body;
        }
        return body.replace(link, "").strip();
    }

    private static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() || node.asText().isBlank() ? null : node.asText();
    }

    private static Instant millis(JsonNode node) {
        try {
            return node.isMissingNode() || node.isNull() ? null : Instant.ofEpochMilli(Long.parseLong(node.asText()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

}
