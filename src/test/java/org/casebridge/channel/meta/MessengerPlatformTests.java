package org.casebridge.channel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Messenger's verify and parse on payloads written from Meta's Messenger Platform webhook reference. */
class MessengerPlatformTests {

    static final String SECRET = "messenger-app-secret";
    static final String PAGE = "106458175431234";
    static final String PSID = "7012345678901234";

    private final MetaPlatform platform = platform(SECRET, "verify-me");

    static MetaPlatform platform(String secret, String verifyToken) {
        MessengerProperties properties = new MessengerProperties();
        properties.setAppSecret(secret);
        properties.setVerifyToken(verifyToken);
        return MetaPlatform.messenger(properties, null);
    }

    static byte[] fixture(String name) {
        try (InputStream in = MessengerPlatformTests.class.getResourceAsStream("/chat/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("fixture " + name, e);
        }
    }

    static WebhookRequest signed(String secret, byte[] body) {
        return new WebhookRequest("POST", "https://bridge.example.org/webhooks/messenger",
                Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256(secret, body), "Content-Type", "application/json"), Map.of(), body);
    }

    static WebhookRequest get(String query) {
        return new WebhookRequest("GET", "https://bridge.example.org/webhooks/messenger?" + query, Map.of(), WebhookRequest.parseQuery(query), null);
    }

    private WebhookEvents parse(String fixture) {
        return platform.parse(WebhookRequest.ofBody(fixture("messenger/" + fixture)));
    }

    @Test
    void answersTheSubscriptionHandshakeWithTheChallenge() {
        WebhookHandshake answer = platform.verify(get("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"));

        assertThat(answer).isEqualTo(new WebhookHandshake(200, "text/plain", "1158201444"));
    }

    @Test
    void refusesTheHandshakeWithAWrongOrUnsetVerifyToken() {
        assertThatThrownBy(() -> platform.verify(get("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444")))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.slug()).isEqualTo("verify-token-mismatch");
                });
        assertThatThrownBy(() -> platform(SECRET, "").verify(get("hub.mode=subscribe&hub.verify_token=&hub.challenge=1")))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> platform.verify(get("hub.verify_token=verify-me&hub.challenge=1")))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void echoesOnlyAPlainChallenge() {
        assertThatThrownBy(() -> platform.verify(get("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=%3Cscript%3E")))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.slug()).isEqualTo("invalid-challenge"));
    }

    @Test
    void acceptsACorrectlySignedCall() {
        assertThat(platform.verify(signed(SECRET, fixture("messenger/text-message.json")))).isNull();
    }

    @Test
    void acceptsThePublishedXHubSignature256VectorAndRefusesEveryOneByteChange() throws IOException {
        JsonNode vector = hubVector();
        String secret = vector.get("secret").asText();
        byte[] body = vector.get("raw_body").asText().getBytes(StandardCharsets.UTF_8);
        String header = vector.get("expected_header").asText();
        MetaPlatform withVectorSecret = platform(secret, "t");

        assertThat(withVectorSecret.verify(new WebhookRequest("POST", null, Map.of("X-Hub-Signature-256", header), Map.of(), body))).isNull();

        for (int i = 0; i < body.length; i++) {
            byte[] changed = body.clone();
            changed[i] ^= 0x01;
            assertThatThrownBy(() -> withVectorSecret.verify(new WebhookRequest("POST", null, Map.of("X-Hub-Signature-256", header), Map.of(), changed)))
                    .as("body byte %d changed", i).isInstanceOf(WebhookSignatureException.class);
        }
        for (int i = 0; i < secret.length(); i++) {
            char[] changed = secret.toCharArray();
            changed[i] ^= 0x01;
            MetaPlatform otherSecret = platform(new String(changed), "t");
            assertThatThrownBy(() -> otherSecret.verify(new WebhookRequest("POST", null, Map.of("X-Hub-Signature-256", header), Map.of(), body)))
                    .as("secret byte %d changed", i).isInstanceOf(WebhookSignatureException.class);
        }
        String hex = header.substring("sha256=".length());
        for (int i = 0; i < hex.length(); i++) {
            char[] changed = hex.toCharArray();
            changed[i] = changed[i] == '0' ? '1' : '0';
            String forged = "sha256=" + new String(changed);
            assertThatThrownBy(() -> withVectorSecret.verify(new WebhookRequest("POST", null, Map.of("X-Hub-Signature-256", forged), Map.of(), body)))
                    .as("signature digit %d changed", i).isInstanceOf(WebhookSignatureException.class);
        }
    }

    static JsonNode hubVector() throws IOException {
        Path vectors = Path.of("..", "shared", "corpus", "signatures", "vectors.json");
        assertThat(vectors).as("the shared corpus must be present").exists();
        for (JsonNode vector : new ObjectMapper().readTree(Files.readAllBytes(vectors))) {
            if (vector.has("expected_header") && vector.get("scheme").asText().startsWith("X-Hub-Signature-256")) {
                return vector;
            }
        }
        throw new AssertionError("no X-Hub-Signature-256 vector in " + vectors);
    }

    @Test
    void refusesUnsignedCallsWrongSignaturesAndAnUnsetSecret() {
        byte[] body = fixture("messenger/text-message.json");
        assertThatThrownBy(() -> platform.verify(new WebhookRequest("POST", null, Map.of(), Map.of(), body)))
                .isInstanceOf(WebhookSignatureException.class).hasMessageContaining("no X-Hub-Signature-256");
        assertThatThrownBy(() -> platform.verify(signed("another-secret", body))).isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> platform(SECRET, "t").verify(new WebhookRequest("POST", null,
                Map.of("X-Hub-Signature-256", "sha1=" + WebhookSignatures.hubSignature256(SECRET, body).substring(7)), Map.of(), body)))
                .isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> platform("", "t").verify(signed("whatever", body)))
                .isInstanceOf(WebhookSignatureException.class).hasMessageContaining("app-secret");
    }

    @Test
    void readsATextMessageWithPageSenderAndTime() {
        WebhookEvents events = parse("text-message.json");

        assertThat(events.messages()).singleElement().satisfies(message -> {
            assertThat(message.channel()).isEqualTo(Channel.MESSENGER);
            assertThat(message.account()).isEqualTo(PAGE);
            assertThat(message.externalId()).startsWith("m_AG5Hz2Uq7");
            assertThat(message.event()).isEqualTo("message");
            assertThat(message.sentAt()).isEqualTo(Instant.ofEpochMilli(1732420799871L));
            assertThat(message.sender().platformUserId()).isEqualTo(PSID);
            assertThat(message.text()).startsWith("Hello, the heating in flat 4B");
            assertThat(message.media()).isEmpty();
            assertThat(message.replyTo()).isNull();
        });
        assertThat(events.receipts()).isEmpty();
        assertThat(events.ignored()).isEmpty();
    }

    @Test
    void keepsTheQuickReplyPayloadBesideItsTitle() {
        assertThat(parse("quick-reply.json").messages().get(0).text()).isEqualTo("Book a repair\n[quick reply: BOOK_REPAIR]");
    }

    @Test
    void readsPicturesAndFilesAsMediaAndALocationAsText() {
        ChatMessage message = parse("attachments.json").messages().get(0);

        assertThat(message.media()).extracting(ChatMessage.MediaRef::url).containsExactly(
                "https://scontent.xx.fbcdn.net/v/t1.15752-9/468123456_1234567890_n.jpg?_nc_cat=1&ccb=1-7&oh=00_AYB&oe=6790A1B2",
                "https://cdn.fbsbx.com/v/t59.2708-21/467999999_tenancy-agreement.pdf/tenancy-agreement.pdf?_nc_cat=103&oh=03_Q7c&oe=6745F2A1");
        assertThat(message.media()).extracting(ChatMessage.MediaRef::filename).containsExactly("468123456_1234567890_n.jpg", "tenancy-agreement.pdf");
        assertThat(message.text()).isEqualTo("[Location: 51.5072, -0.1276 (Flat 4B)]");
    }

    @Test
    void readsTheLikeStickerAsAThumbsUpWithoutFetchingIt() {
        ChatMessage message = parse("sticker.json").messages().get(0);
        assertThat(message.text()).isEqualTo("👍");
        assertThat(message.media()).isEmpty();
    }

    @Test
    void keepsTheMessageTheCustomerRepliedTo() {
        assertThat(parse("reply-to.json").messages().get(0).replyTo()).isEqualTo("m_out_2Yq9bVn5wZk3Xh7cJd1sPr4tLm8uQe6oNf0gHi");
    }

    @Test
    void readsAPostbackAsAMessageWithTheButtonTitle() {
        ChatMessage message = parse("postback.json").messages().get(0);
        assertThat(message.event()).isEqualTo("postback");
        assertThat(message.text()).isEqualTo("Report a repair");
        assertThat(message.externalId()).isEqualTo("m_pb_UG9zdGJhY2tfbWlkXzEyMzQ1Njc4OTA");
    }

    @Test
    void readsAnEditAsANewMessageThatRepliesToTheOriginal() {
        ChatMessage original = parse("text-message.json").messages().get(0);
        ChatMessage edit = parse("message-edit.json").messages().get(0);

        assertThat(edit.externalId()).isEqualTo(original.externalId() + ":edit:1").isNotEqualTo(original.externalId());
        assertThat(edit.event()).isEqualTo("message_edit");
        assertThat(edit.replyTo()).isEqualTo(original.externalId());
        assertThat(edit.text()).contains("flat 4C");
    }

    @Test
    void passesOverEchoesOfOurOwnMessages() {
        WebhookEvents events = parse("echo.json");
        assertThat(events.messages()).isEmpty();
        assertThat(events.ignored()).singleElement().satisfies(i -> assertThat(i.type()).isEqualTo("message_echo"));
    }

    @Test
    void readsDeliveriesByMessageIdAndWatermark() {
        MetaPayloads.Parsed parsed = MetaPayloads.parse(fixture("messenger/delivery.json"), Channel.MESSENGER, "page");

        assertThat(parsed.events().receipts()).containsExactly(new DeliveryReceipt(Channel.MESSENGER,
                "m_out_2Yq9bVn5wZk3Xh7cJd1sPr4tLm8uQe6oNf0gHi", DeliveryReceipt.DELIVERED, Instant.ofEpochMilli(1732421600100L), null));
        assertThat(parsed.watermarks()).containsExactly(new MetaPayloads.Watermark(Channel.MESSENGER, PAGE, PSID,
                DeliveryReceipt.DELIVERED, Instant.ofEpochMilli(1732421600100L), null));
    }

    @Test
    void readsAReadEventAsAWatermark() {
        MetaPayloads.Parsed parsed = MetaPayloads.parse(fixture("messenger/read.json"), Channel.MESSENGER, "page");

        assertThat(parsed.events().isEmpty()).isTrue();
        assertThat(parsed.watermarks()).containsExactly(new MetaPayloads.Watermark(Channel.MESSENGER, PAGE, PSID,
                DeliveryReceipt.READ, Instant.ofEpochMilli(1732421700100L), null));
    }

    @Test
    void passesOverReactionsReferralsOptInsAndUnknownEvents() {
        assertThat(parse("reaction.json").ignored()).singleElement().satisfies(i -> {
            assertThat(i.type()).isEqualTo("reaction");
            assertThat(i.reason()).contains("reacted ❤️");
        });
        assertThat(parse("referral-and-optin.json").ignored()).extracting(WebhookEvents.Ignored::type)
                .containsExactly("referral", "optin", "game_play");
    }

    @Test
    void refusesWhatMetaCouldNotHaveSent() {
        for (String body : List.of("not json", "[]", "{\"object\":\"instagram\",\"entry\":[]}", "{\"object\":\"page\"}")) {
            assertThatThrownBy(() -> platform.parse(WebhookRequest.ofBody(body.getBytes(StandardCharsets.UTF_8))))
                    .as(body).isInstanceOfSatisfying(RejectedRequestException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.slug()).isEqualTo("invalid-payload");
                    });
        }
    }

    @Test
    void everyFixtureIsReadWithoutError() throws IOException {
        try (var files = Files.list(Path.of("src/test/resources/chat/messenger"))) {
            for (Path file : files.toList()) {
                MetaPayloads.Parsed parsed = MetaPayloads.parse(Files.readAllBytes(file), Channel.MESSENGER, "page");
                assertThat(parsed.events().isEmpty() && parsed.watermarks().isEmpty()).as(file.toString()).isFalse();
            }
        }
    }

    @Test
    void aMessageOfAKindTheBridgeCannotShowIsStillACaseMessageSayingWhatArrived() {
        String body = """
                {"object": "page", "entry": [{"id": "PAGE", "time": 1700000000000, "messaging": [
                  {"sender": {"id": "PSID-9"}, "recipient": {"id": "PAGE"}, "timestamp": 1700000000000,
                   "message": {"mid": "m_new_kind", "commands": [{"name": "book-repair"}]}}]}]}
                """;
        WebhookEvents events = platform.parse(WebhookRequest.ofBody(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(events.ignored()).isEmpty();
        assertThat(events.messages()).singleElement().satisfies(m -> {
            assertThat(m.externalId()).isEqualTo("m_new_kind");
            assertThat(m.text()).contains("Messenger message of type 'commands'", "the original is kept", "book-repair");
        });
    }
}
