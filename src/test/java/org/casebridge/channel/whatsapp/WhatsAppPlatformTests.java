package org.casebridge.channel.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatProperties;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The WhatsApp webhook's checks and payload reading, on payloads shaped as Meta documents them. */
class WhatsAppPlatformTests {

    private static final String SECRET = "whatsapp-app-secret";

    private final WhatsAppPlatform platform = platform(SECRET, "verify-me");

    static WhatsAppPlatform platform(String secret, String verifyToken) {
        WhatsAppProperties properties = new WhatsAppProperties();
        properties.setAppSecret(secret);
        properties.setVerifyToken(verifyToken);
        return new WhatsAppPlatform(properties, new ChatProperties(), null);
    }

    static byte[] fixture(String name) {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/chat/whatsapp", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static WebhookRequest signedPost(byte[] body, String signature) {
        return new WebhookRequest("POST", "https://bridge.example.org/webhooks/whatsapp",
                signature == null ? Map.of() : Map.of("X-Hub-Signature-256", signature), Map.of(), body);
    }

    private WebhookEvents parse(String fixture) {
        return platform.parse(WebhookRequest.ofBody(fixture(fixture)));
    }

    private ChatMessage onlyMessage(String fixture) {
        WebhookEvents events = parse(fixture);
        assertThat(events.messages()).hasSize(1);
        assertThat(events.ignored()).isEmpty();
        return events.messages().get(0);
    }

    @Test
    void acceptsTheXHubSignature256VectorAndRefusesEveryOneByteChange() throws IOException {
        JsonNode vectors = new ObjectMapper().readTree(Path.of("../shared/corpus/signatures/vectors.json").toFile());
        int checked = 0;
        for (JsonNode vector : vectors) {
            if (!vector.path("id").asText().startsWith("x-hub-signature-256")) {
                continue;
            }
            checked++;
            String secret = vector.path("secret").asText();
            byte[] body = vector.path("raw_body").asText().getBytes(StandardCharsets.UTF_8);
            String header = vector.path("expected_header").asText();
            assertThat(platform(secret, null).verify(signedPost(body, header))).isNull();

            byte[] changedBody = body.clone();
            changedBody[0] ^= 1;
            assertUnauthorized(platform(secret, null), signedPost(changedBody, header));
            String changedSecret = secret.substring(0, secret.length() - 1) + (char) (secret.charAt(secret.length() - 1) ^ 1);
            assertUnauthorized(platform(changedSecret, null), signedPost(body, header));
            char last = header.charAt(header.length() - 1);
            assertUnauthorized(platform(secret, null), signedPost(body, header.substring(0, header.length() - 1) + (last == '0' ? '1' : '0')));
        }
        assertThat(checked).isPositive();
    }

    @Test
    void acceptsARealPayloadSignedOverItsRawBytes() {
        byte[] body = fixture("text.json");
        assertThat(platform.verify(signedPost(body, WebhookSignatures.hubSignature256(SECRET, body)))).isNull();
    }

    @Test
    void refusesAMissingSignatureAndAnUnconfiguredSecret() {
        byte[] body = fixture("text.json");
        assertUnauthorized(platform, signedPost(body, null));
        // a bridge without a secret accepts nothing, whatever the caller sends
        assertUnauthorized(platform(null, "verify-me"), signedPost(body, WebhookSignatures.hubSignature256(SECRET, body)));
        assertUnauthorized(platform("", "verify-me"), signedPost(body, "sha256=" + "0".repeat(64)));
    }

    private static void assertUnauthorized(WhatsAppPlatform platform, WebhookRequest request) {
        assertThatThrownBy(() -> platform.verify(request)).isInstanceOf(WebhookSignatureException.class)
                .satisfies(e -> assertThat(((WebhookSignatureException) e).status()).isEqualTo(401));
    }

    @Test
    void answersMetasVerificationHandshakeWithTheChallenge() {
        WebhookHandshake answer = platform.verify(new WebhookRequest("GET", null, Map.of(),
                Map.of("hub.mode", List.of("subscribe"), "hub.verify_token", List.of("verify-me"), "hub.challenge", List.of("1158201444")), null));
        assertThat(answer).isEqualTo(new WebhookHandshake(200, "text/plain", "1158201444"));
    }

    @Test
    void refusesAHandshakeWithTheWrongTokenOrNoTokenConfigured() {
        var query = Map.of("hub.mode", List.of("subscribe"), "hub.verify_token", List.of("guess"), "hub.challenge", List.of("42"));
        assertThatThrownBy(() -> platform.verify(new WebhookRequest("GET", null, Map.of(), query, null)))
                .isInstanceOf(RejectedRequestException.class).satisfies(e -> assertThat(((RejectedRequestException) e).status()).isEqualTo(403));
        var emptyToken = Map.of("hub.mode", List.of("subscribe"), "hub.verify_token", List.of(""), "hub.challenge", List.of("42"));
        assertThatThrownBy(() -> platform(SECRET, "").verify(new WebhookRequest("GET", null, Map.of(), emptyToken, null)))
                .isInstanceOf(RejectedRequestException.class).satisfies(e -> assertThat(((RejectedRequestException) e).status()).isEqualTo(403));
    }

    @Test
    void readsATextMessageWithTheSendersProfileAndNumber() {
        ChatMessage message = onlyMessage("text.json");
        assertThat(message.channel()).isEqualTo(Channel.WHATSAPP);
        assertThat(message.account()).isEqualTo("106540352242922");
        assertThat(message.externalId()).isEqualTo("wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0EyQjc4RjE2QjM0RTFDNjQ2NzEA");
        assertThat(message.sentAt()).isEqualTo(Instant.ofEpochSecond(1749416383));
        assertThat(message.sender()).isEqualTo(new ChatMessage.Sender("447700900123", null, "Sheena Nelson", "447700900123", null));
        assertThat(message.text()).startsWith("Hello, the boiler in flat 4");
        assertThat(message.media()).isEmpty();
        assertThat(message.replyTo()).isNull();
    }

    @Test
    void readsMediaMessagesAsMediaToFetchWithTheirCaption() {
        ChatMessage image = onlyMessage("image.json");
        assertThat(image.text()).isEqualTo("Damp patch above the window");
        assertThat(image.media()).containsExactly(new ChatMessage.MediaRef("1003383421387256", null, "image/jpeg", null, null));

        ChatMessage document = onlyMessage("document.json");
        assertThat(document.text()).isEqualTo("My tenancy agreement");
        assertThat(document.media()).containsExactly(new ChatMessage.MediaRef("1907580109812345", null, "application/pdf", "tenancy-agreement.pdf", null));

        assertThat(onlyMessage("audio.json").media()).extracting(ChatMessage.MediaRef::contentType).containsExactly("audio/ogg; codecs=opus");
        assertThat(onlyMessage("video.json").media()).extracting(ChatMessage.MediaRef::platformId).containsExactly("2043985306050123");
        assertThat(onlyMessage("sticker.json").media()).extracting(ChatMessage.MediaRef::contentType).containsExactly("image/webp");
    }

    @Test
    void writesALocationAsCoordinatesPlaceAndMapLink() {
        assertThat(onlyMessage("location.json").text()).isEqualTo("""
                Location: 51.5072, -0.1276 — Riverside Court, 12 Riverside Court, London SE1 7PB
                https://www.openstreetmap.org/?mlat=51.5072&mlon=-0.1276&zoom=17""");
    }

    @Test
    void writesASharedContactCardAsText() {
        assertThat(onlyMessage("contacts.json").text())
                .isEqualTo("Shared contact: Barbara Johnson, +44 7700 900456, barbara.johnson@example.org, Johnson Plumbing");
    }

    @Test
    void readsInteractiveAndTemplateButtonAnswersAsTheChosenTitleAndId() {
        ChatMessage button = onlyMessage("interactive-button.json");
        assertThat(button.text()).isEqualTo("Tuesday morning [slot-tue-am]");
        assertThat(button.replyTo()).isEqualTo("wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQkFDS09GRklDRTAwMDAwMDAxAA==");
        assertThat(onlyMessage("interactive-list.json").text()).isEqualTo("Heating and hot water [repair-heating]\nBoilers, radiators, no hot water");
        ChatMessage template = onlyMessage("button.json");
        assertThat(template.text()).isEqualTo("Yes, I still need help [REOPEN_CASE]");
        assertThat(template.replyTo()).isEqualTo("wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSVEVNUExBVEUwMDAwMDAwMDAyAA==");
    }

    @Test
    void passesOverReactionsAndOtherChanges() {
        WebhookEvents reaction = parse("reaction.json");
        assertThat(reaction.messages()).isEmpty();
        assertThat(reaction.ignored()).singleElement().satisfies(i -> {
            assertThat(i.type()).isEqualTo("reaction");
            assertThat(i.reason()).contains("\uD83D\uDC4D");
        });
        WebhookEvents template = parse("template-status-update.json");
        assertThat(template.ignored()).extracting(WebhookEvents.Ignored::type).containsExactly("message_template_status_update");
    }

    @Test
    void aMessageOfATypeTheBridgeCannotShowIsStillACaseMessageSayingWhatArrived() {
        WebhookEvents unsupported = parse("unsupported.json");
        assertThat(unsupported.ignored()).isEmpty();
        assertThat(unsupported.messages()).singleElement().satisfies(m -> {
            assertThat(m.externalId()).isEqualTo("wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM1VOU1VQUE9SVEVEMDAwMDAwMTEA");
            assertThat(m.sender().phone()).isEqualTo("447700900123");
            assertThat(m.text()).contains("type 'unsupported'", "cannot show", "131051", "Message type is currently not supported.");
        });
        ChatMessage order = onlyMessage("order.json");
        assertThat(order.text()).isEqualTo("Order from catalogue 1537792813452611:\n- 2 x radiator-key at 3.50 GBP\nPlease deliver on Friday");
    }

    @Test
    void readsMessageStatusesAsDeliveryReceiptsWithTheFailureReason() {
        WebhookEvents events = parse("statuses.json");
        assertThat(events.messages()).isEmpty();
        assertThat(events.receipts()).extracting(DeliveryReceipt::status).containsExactly("sent", "delivered", "read", "failed");
        assertThat(events.receipts().get(1)).isEqualTo(new DeliveryReceipt(Channel.WHATSAPP,
                "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSU0VOVDAwMDAwMDAwMDAwMDEA", "delivered", Instant.ofEpochSecond(1749417102), null));
        assertThat(events.receipts().get(3).detail()).contains("131047", "Re-engagement message", "more than 24 hours");
    }

    @Test
    void refusesAPayloadThatIsNotWhatsApps() {
        for (String body : List.of("{\"object\":\"page\",\"entry\":[]}", "[1,2]", "not json", "{\"object\":\"whatsapp_business_account\"}",
                "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"type\":\"text\"}]}}]}]}")) {
            assertThatThrownBy(() -> platform.parse(WebhookRequest.ofBody(body.getBytes(StandardCharsets.UTF_8))))
                    .as(body).isInstanceOf(RejectedRequestException.class)
                    .satisfies(e -> assertThat(((RejectedRequestException) e).status()).isEqualTo(400));
        }
    }

    @Test
    void everyFixtureIsReadWithoutError() throws IOException {
        try (var files = Files.list(Path.of("src/test/resources/chat/whatsapp"))) {
            for (Path file : files.toList()) {
                WebhookEvents events = platform.parse(WebhookRequest.ofBody(Files.readAllBytes(file)));
                assertThat(events.isEmpty()).as(file.toString()).isFalse();
            }
        }
    }
}
