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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Instagram's verify and parse on payloads written from Meta's Instagram messaging webhook reference. */
class InstagramPlatformTests {

    static final String SECRET = "instagram-app-secret";
    static final String ACCOUNT = "17841405822304914";
    static final String IGSID = "1234567890123456";

    private final MetaPlatform platform = platform(SECRET, "verify-ig");

    static MetaPlatform platform(String secret, String verifyToken) {
        InstagramProperties properties = new InstagramProperties();
        properties.setAppSecret(secret);
        properties.setVerifyToken(verifyToken);
        return MetaPlatform.instagram(properties, null);
    }

    static byte[] fixture(String name) {
        try (InputStream in = InstagramPlatformTests.class.getResourceAsStream("/chat/instagram/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("fixture " + name, e);
        }
    }

    private WebhookEvents parse(String fixture) {
        return platform.parse(WebhookRequest.ofBody(fixture(fixture)));
    }

    @Test
    void answersTheSubscriptionHandshakeAndRefusesAWrongToken() {
        String good = "hub.mode=subscribe&hub.verify_token=verify-ig&hub.challenge=CHALLENGE_ACCEPTED";
        assertThat(platform.verify(new WebhookRequest("GET", null, Map.of(), WebhookRequest.parseQuery(good), null)))
                .isEqualTo(WebhookHandshake.text("CHALLENGE_ACCEPTED"));
        String bad = "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=CHALLENGE_ACCEPTED";
        assertThatThrownBy(() -> platform.verify(new WebhookRequest("GET", null, Map.of(), WebhookRequest.parseQuery(bad), null)))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void acceptsThePublishedXHubSignature256VectorAndRefusesOneByteChanges() throws IOException {
        JsonNode vector = null;
        for (JsonNode candidate : new ObjectMapper().readTree(Files.readAllBytes(Path.of("../shared/corpus/signatures/vectors.json")))) {
            if (candidate.has("expected_header") && candidate.get("scheme").asText().startsWith("X-Hub-Signature-256")) {
                vector = candidate;
            }
        }
        assertThat(vector).as("X-Hub-Signature-256 vector in the shared corpus").isNotNull();
        byte[] body = vector.get("raw_body").asText().getBytes(StandardCharsets.UTF_8);
        String header = vector.get("expected_header").asText();
        MetaPlatform withVectorSecret = platform(vector.get("secret").asText(), "t");
        assertThat(withVectorSecret.verify(new WebhookRequest("POST", null, Map.of("X-Hub-Signature-256", header), Map.of(), body))).isNull();

        byte[] changedBody = body.clone();
        changedBody[changedBody.length - 1] = '?';
        assertThatThrownBy(() -> withVectorSecret.verify(new WebhookRequest("POST", null, Map.of("X-Hub-Signature-256", header), Map.of(), changedBody)))
                .isInstanceOf(WebhookSignatureException.class);
        MetaPlatform changedSecret = platform(vector.get("secret").asText().replace('S', 's'), "t");
        assertThatThrownBy(() -> changedSecret.verify(new WebhookRequest("POST", null, Map.of("X-Hub-Signature-256", header), Map.of(), body)))
                .isInstanceOf(WebhookSignatureException.class);
    }

    @Test
    void acceptsASignedCallAndRefusesAnUnsignedOne() {
        byte[] body = fixture("text-message.json");
        assertThat(platform.verify(new WebhookRequest("POST", null,
                Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256(SECRET, body)), Map.of(), body))).isNull();
        assertThatThrownBy(() -> platform.verify(new WebhookRequest("POST", null, Map.of(), Map.of(), body)))
                .isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> platform("", "t").verify(new WebhookRequest("POST", null,
                Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256("x", body)), Map.of(), body)))
                .isInstanceOf(WebhookSignatureException.class);
    }

    @Test
    void readsADirectMessageFromTheCustomersInstagramScopedId() {
        ChatMessage message = parse("text-message.json").messages().get(0);

        assertThat(message.channel()).isEqualTo(Channel.INSTAGRAM);
        assertThat(message.account()).isEqualTo(ACCOUNT);
        assertThat(message.sender().platformUserId()).isEqualTo(IGSID);
        assertThat(message.text()).isEqualTo("Hi, is the community hall free to book on Saturday?");
        assertThat(message.sentAt()).isEqualTo(Instant.ofEpochMilli(1732422000512L));
    }

    @Test
    void fetchesPicturesAndShowsStoryMentionsAndSharesAsLinks() {
        assertThat(parse("image.json").messages().get(0).media()).singleElement()
                .satisfies(m -> assertThat(m.url()).startsWith("https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17971234567890123"));
        ChatMessage mention = parse("story-mention.json").messages().get(0);
        assertThat(mention.media()).isEmpty();
        assertThat(mention.text()).startsWith("[Mentioned us in their story https://lookaside.fbsbx.com/");
        assertThat(parse("share.json").messages().get(0).text())
                .isEqualTo("Is this the bin collection change?\n[Shared https://www.instagram.com/p/C9xYzAbCdEf/]");
    }

    @Test
    void readsAnEditAsItsOwnMessage() {
        ChatMessage edit = parse("message-edit.json").messages().get(0);
        String original = parse("text-message.json").messages().get(0).externalId();
        assertThat(edit.externalId()).isEqualTo(original + ":edit:2");
        assertThat(edit.replyTo()).isEqualTo(original);
    }

    @Test
    void readsMessagingSeenAsAReadReceiptUpToThatMessage() {
        MetaPayloads.Parsed parsed = MetaPayloads.parse(fixture("read.json"), Channel.INSTAGRAM, "instagram");
        String mid = parsed.events().receipts().get(0).externalId();

        assertThat(parsed.events().receipts()).containsExactly(new DeliveryReceipt(Channel.INSTAGRAM, mid, DeliveryReceipt.READ,
                Instant.ofEpochMilli(1732422400512L), null));
        assertThat(parsed.watermarks()).containsExactly(new MetaPayloads.Watermark(Channel.INSTAGRAM, ACCOUNT, IGSID, DeliveryReceipt.READ, null, mid));
    }

    @Test
    void passesOverDeletionsReactionsAndCommentNotifications() {
        assertThat(parse("deleted.json").ignored()).extracting(WebhookEvents.Ignored::type).containsExactly("message_deleted");
        assertThat(parse("reaction.json").ignored()).extracting(WebhookEvents.Ignored::type).containsExactly("reaction");
        assertThat(parse("comment-change.json").ignored()).extracting(WebhookEvents.Ignored::type).containsExactly("changes:comments");
    }

    @Test
    void refusesAMessengerPayload() {
        assertThatThrownBy(() -> platform.parse(WebhookRequest.ofBody("{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
