package org.casebridge.channel.twitter;

import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.shared.RejectedRequestException;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The X webhook's checks and payload reading, on payloads shaped like X's documented Account Activity events. */
class TwitterPlatformTests {

    static final String SECRET = "x-consumer-secret-for-tests";

    private final TwitterPlatform platform = platform(SECRET, "");

    static TwitterPlatform platform(String secret, String accountId) {
        TwitterProperties properties = new TwitterProperties();
        properties.setConsumerSecret(secret);
        properties.setAccountId(accountId);
        return new TwitterPlatform(properties, null);
    }

    static byte[] fixture(String name) throws IOException {
        String text = Files.readString(Path.of("src/test/resources/chat/twitter", name));
        return text.replace("MEDIA_BASE", "https://ton.twitter.com").getBytes(StandardCharsets.UTF_8);
    }

    /** X's signature, computed independently of WebhookSignatures: sha256= base64 HMAC-SHA256 of the body. */
    static String sign(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    static WebhookRequest post(byte[] body, String signature) {
        return new WebhookRequest("POST", "https://bridge.example.org/webhooks/twitter",
                signature == null ? Map.of() : Map.of("X-Twitter-Webhooks-Signature", signature), Map.of(), body);
    }

    @Test
    void answersTheCrcChallengeWithTheHmacOfTheToken() throws Exception {
        WebhookHandshake answer = platform.verify(new WebhookRequest("GET", "https://bridge.example.org/webhooks/twitter?crc_token=abc123",
                Map.of(), Map.of("crc_token", List.of("abc123")), null));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + Base64.getEncoder().encodeToString(mac.doFinal("abc123".getBytes(StandardCharsets.UTF_8)));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.body()).isEqualTo("{\"response_token\":\"" + expected + "\"}");
    }

    @Test
    void refusesAGetWithoutCrcToken() {
        assertThatThrownBy(() -> platform.verify(new WebhookRequest("GET", "/webhooks/twitter", Map.of(), Map.of(), null)))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void acceptsASignedPostAndRefusesOneByteChangesToBodySecretOrSignature() throws Exception {
        byte[] body = fixture("dm-text.json");
        String signature = sign(SECRET, body);
        assertThat(platform.verify(post(body, signature))).isNull();

        byte[] changed = body.clone();
        changed[changed.length / 2] ^= 1;
        assertThatThrownBy(() -> platform.verify(post(changed, signature))).isInstanceOf(WebhookSignatureException.class);
        String otherSecret = sign(SECRET.substring(0, SECRET.length() - 1) + "X", body);
        assertThatThrownBy(() -> platform.verify(post(body, otherSecret))).isInstanceOf(WebhookSignatureException.class);
        char[] chars = signature.toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> platform.verify(post(body, new String(chars)))).isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> platform.verify(post(body, null))).isInstanceOf(WebhookSignatureException.class);
    }

    @Test
    void refusesEverythingWhenNoSecretIsConfigured() throws Exception {
        TwitterPlatform unconfigured = platform("", "");
        byte[] body = fixture("dm-text.json");
        assertThatThrownBy(() -> unconfigured.verify(post(body, sign("guess", body)))).isInstanceOf(WebhookSignatureException.class)
                .extracting(e -> ((WebhookSignatureException) e).status()).isEqualTo(401);
        assertThatThrownBy(() -> unconfigured.verify(new WebhookRequest("GET", "/webhooks/twitter", Map.of(),
                Map.of("crc_token", List.of("abc")), null))).isInstanceOf(WebhookSignatureException.class);
    }

    @Test
    void readsADirectMessageWithTheSendersHandleAndName() throws Exception {
        WebhookEvents events = platform.parse(post(fixture("dm-text.json"), null));
        assertThat(events.receipts()).isEmpty();
        assertThat(events.ignored()).isEmpty();
        ChatMessage message = events.messages().get(0);
        assertThat(events.messages()).hasSize(1);
        assertThat(message.channel()).isEqualTo(Channel.TWITTER);
        assertThat(message.account()).isEqualTo("4337869213");
        assertThat(message.externalId()).isEqualTo("1582838223385698308");
        assertThat(message.event()).isEqualTo("direct_message");
        assertThat(message.sentAt()).isEqualTo(Instant.ofEpochMilli(1666285434000L));
        assertThat(message.text()).isEqualTo("Hello, the heating in flat 4B has been off since Sunday. Can someone come?");
        assertThat(message.sender()).isEqualTo(new ChatMessage.Sender("3001969357", "amira_h", "Amira Hassan", null, null));
        assertThat(message.media()).isEmpty();
        assertThat(message.replyTo()).isNull();
    }

    @Test
    void readsDirectMessageMediaAndDropsItsLinkFromTheText() throws Exception {
        ChatMessage message = platform.parse(post(fixture("dm-media.json"), null)).messages().get(0);
        assertThat(message.text()).isEqualTo("Here is the damp patch");
        assertThat(message.media()).singleElement().satisfies(media -> {
            assertThat(media.platformId()).isEqualTo("dm:1582838990000000002");
            assertThat(media.url()).isEqualTo("https://ton.twitter.com/1.1/ton/data/dm/1582838999000000001/1582838990000000002/damp.jpg");
            assertThat(media.contentType()).isEqualTo("image/jpeg");
            assertThat(media.filename()).isEqualTo("damp.jpg");
        });
    }

    @Test
    void readsAMentionAsACaseMessageMarkedAsATweet() throws Exception {
        WebhookEvents events = platform.parse(post(fixture("mention.json"), null));
        ChatMessage message = events.messages().get(0);
        assertThat(events.messages()).hasSize(1);
        assertThat(message.externalId()).isEqualTo("tweet:1583150000000000001");
        assertThat(message.event()).isEqualTo("mention");
        assertThat(message.text()).isEqualTo("@riversidehomes the lift at Canal House is broken again, third time this month");
        assertThat(message.sender()).isEqualTo(new ChatMessage.Sender("998877665544", "tombaker_leeds", "Tom Baker", null, null));
        assertThat(message.sentAt()).isEqualTo(Instant.ofEpochMilli(1666285512000L));
    }

    @Test
    void passesOverOurOwnTweetsRetweetsAndDirectMessages() throws Exception {
        WebhookEvents events = platform.parse(post(fixture("own-and-retweet.json"), null));
        assertThat(events.messages()).isEmpty();
        assertThat(events.ignored()).extracting(WebhookEvents.Ignored::type)
                .containsExactlyInAnyOrder("tweet_create_events:own", "tweet_create_events:retweet", "direct_message_events:own");
    }

    @Test
    void turnsAMarkReadEventIntoAReadReceiptForOurLastDirectMessage() throws Exception {
        byte[] body = new String(fixture("mark-read.json"), StandardCharsets.UTF_8).replace("LAST_READ_ID", "1590000000000000001")
                .getBytes(StandardCharsets.UTF_8);
        WebhookEvents events = platform.parse(post(body, null));
        assertThat(events.messages()).isEmpty();
        assertThat(events.receipts()).containsExactly(new DeliveryReceipt(Channel.TWITTER, "1590000000000000001", DeliveryReceipt.READ,
                Instant.ofEpochMilli(1666286000000L), null));
    }

    @Test
    void recordsTypingLikesFollowsAndUnknownEventTypesAsIgnored() throws Exception {
        assertThat(platform.parse(post(fixture("typing-and-favorite.json"), null)).ignored()).extracting(WebhookEvents.Ignored::type)
                .containsExactly("direct_message_indicate_typing_events", "favorite_events", "follow_events");
        WebhookEvents unknown = platform.parse(post(fixture("unknown-event.json"), null));
        assertThat(unknown.messages()).isEmpty();
        assertThat(unknown.ignored()).singleElement().satisfies(i -> {
            assertThat(i.type()).isEqualTo("space_scheduled_events");
            assertThat(i.reason()).contains("does not know");
        });
    }

    @Test
    void passesOverEventsOfAnotherAccountWhenOneIsConfigured() throws Exception {
        WebhookEvents events = platform(SECRET, "111").parse(post(fixture("dm-text.json"), null));
        assertThat(events.messages()).isEmpty();
        assertThat(events.ignored()).singleElement().extracting(WebhookEvents.Ignored::type).isEqualTo("for_user_id");
    }

    @Test
    void refusesABodyThatIsNotAnAccountActivityPayload() {
        assertThatThrownBy(() -> platform.parse(post("{\"update_id\": 1}".getBytes(StandardCharsets.UTF_8), null)))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> platform.parse(post("not json".getBytes(StandardCharsets.UTF_8), null)))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void aDirectMessageWithAnAttachmentTheBridgeCannotShowSaysWhatArrived() {
        String body = """
                {"for_user_id": "", "direct_message_events": [{"type": "message_create", "id": "dm-new-kind",
                  "created_timestamp": "1700000000000", "message_create": {"sender_id": "4242", "target": {"recipient_id": "1"},
                  "message_data": {"text": "", "attachment": {"type": "location", "location": {"type": "shared_coordinate"}}}}}]}
                """;
        WebhookEvents events = platform.parse(WebhookRequest.ofBody(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(events.messages()).singleElement().satisfies(m -> {
            assertThat(m.externalId()).isEqualTo("dm-new-kind");
            assertThat(m.text()).contains("X message of type 'attachment:location'", "the original is kept", "shared_coordinate");
        });
    }
}
