package org.casebridge.channel.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Twilio webhook's signature check and payload reading, on Twilio's published vectors and realistic payloads. */
class SmsPlatformTests {

    static final Path VECTORS = Path.of("../shared/corpus/signatures/vectors.json");
    static final Path FIXTURES = Path.of("src/test/resources/chat/sms");

    final ObjectMapper mapper = new ObjectMapper();

    static SmsPlatform platform(String token, String publicUrl) {
        SmsProperties properties = new SmsProperties();
        properties.setAuthToken(token);
        properties.setAccountSid("AC0123456789abcdef0123456789abcdef");
        properties.setPublicUrl(publicUrl);
        return new SmsPlatform(properties, null);
    }

    static WebhookRequest post(String url, String contentType, byte[] body, String signature) {
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Content-Type", contentType);
        if (signature != null) {
            headers.put("X-Twilio-Signature", signature);
        }
        int q = url.indexOf('?');
        return new WebhookRequest("POST", url, headers, WebhookRequest.parseQuery(q < 0 ? null : url.substring(q + 1)), body);
    }

    static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(FIXTURES.resolve(name));
    }

    static String encode(List<Map.Entry<String, String>> pairs) {
        List<String> parts = new ArrayList<>();
        pairs.forEach(p -> parts.add(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8)));
        return String.join("&", parts);
    }

    /** A vector as the bytes Twilio would POST: the form body (or JSON body) and the URL it signed. */
    record Call(String id, String token, String url, String contentType, byte[] body, String signature) {
    }

    List<Call> twilioVectors() throws IOException {
        JsonNode all = mapper.readTree(VECTORS.toFile());
        JsonNode base = null;
        for (JsonNode v : all) {
            if (v.path("id").asText().equals("twilio-1")) {
                base = v.get("form_params");
            }
        }
        List<Call> calls = new ArrayList<>();
        for (JsonNode v : all) {
            String id = v.path("id").asText();
            if (!id.startsWith("twilio")) {
                continue;
            }
            String signature = v.has("expected_x_twilio_signature") ? v.get("expected_x_twilio_signature").asText() : v.get("expected_valid_signature").asText();
            if (v.has("raw_body")) {
                calls.add(new Call(id, v.get("auth_token").asText(), v.get("url").asText(), "application/json",
                        v.get("raw_body").asText().getBytes(StandardCharsets.UTF_8), signature));
                continue;
            }
            String form;
            if (v.has("form_params_raw")) {
                form = v.get("form_params_raw").asText();
            } else {
                // the port-stripping vector reuses the first vector's parameters
                JsonNode params = v.has("form_params") ? v.get("form_params") : base;
                List<Map.Entry<String, String>> pairs = new ArrayList<>();
                params.fields().forEachRemaining(f -> pairs.add(Map.entry(f.getKey(), f.getValue().asText())));
                form = encode(pairs);
            }
            calls.add(new Call(id, v.get("auth_token").asText(), v.get("url").asText(), "application/x-www-form-urlencoded",
                    form.getBytes(StandardCharsets.UTF_8), signature));
        }
        return calls;
    }

    @TestFactory
    Stream<DynamicTest> acceptsEveryTwilioVectorAndRefusesOneByteChanges() throws IOException {
        List<Call> calls = twilioVectors();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(7);
        return calls.stream().map(call -> DynamicTest.dynamicTest(call.id(), () -> {
            assertThat(platform(call.token(), "").verify(post(call.url(), call.contentType(), call.body(), call.signature()))).isNull();

            // one byte of the body
            byte[] body = call.body().clone();
            int at = body.length - 2;
            body[at] = (byte) (body[at] == '1' ? '2' : '1');
            assertRefused(platform(call.token(), ""), post(call.url(), call.contentType(), body, call.signature()));
            // one byte of the token
            String token = call.token().substring(0, call.token().length() - 1) + "6";
            assertRefused(platform(token, ""), post(call.url(), call.contentType(), call.body(), call.signature()));
            // one byte of the URL (the path)
            String url = call.url().replace("myapp.php", "myapq.php");
            assertRefused(platform(call.token(), ""), post(url, call.contentType(), call.body(), call.signature()));
            // one character of the signature
            String signature = (call.signature().charAt(0) == 'A' ? "B" : "A") + call.signature().substring(1);
            assertRefused(platform(call.token(), ""), post(call.url(), call.contentType(), call.body(), signature));
        }));
    }

    static void assertRefused(SmsPlatform platform, WebhookRequest request) {
        assertThatThrownBy(() -> platform.verify(request)).isInstanceOf(WebhookSignatureException.class)
                .satisfies(e -> assertThat(((RejectedRequestException) e).status()).isEqualTo(401));
    }

    @Test
    void checksTheSignatureAgainstThePublicUrlBehindAProxy() {
        byte[] body = "From=%2B447700900123&Body=Hi&MessageSid=SM1&AccountSid=AC1".getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignatures.twilioSignature("secret", "https://bridge.example.org/sms-in/webhooks/sms?tenant=north",
                WebhookRequest.parseForm(new String(body, StandardCharsets.UTF_8)));
        // the bridge sees its own address; Twilio called the proxy's
        WebhookRequest seen = post("http://10.0.0.7:8080/webhooks/sms?tenant=north", "application/x-www-form-urlencoded", body, signature);

        assertThat(platform("secret", "https://bridge.example.org/sms-in/webhooks/sms").verify(seen)).isNull();
        assertThat(platform("secret", "https://bridge.example.org/sms-in/webhooks/sms/").signedUrl(seen))
                .isEqualTo("https://bridge.example.org/sms-in/webhooks/sms?tenant=north");
        assertRefused(platform("secret", ""), seen);
        // the status callback keeps its path below the webhook
        assertThat(platform("secret", "https://bridge.example.org/sms-in/webhooks/sms")
                .signedUrl(post("http://10.0.0.7:8080/webhooks/sms/status", "application/x-www-form-urlencoded", body, signature)))
                .isEqualTo("https://bridge.example.org/sms-in/webhooks/sms/status");
    }

    @Test
    void withoutPublicUrlSignsTheUrlAsReceived() {
        assertThat(platform("secret", "").signedUrl(post("http://127.0.0.1:8080/webhooks/sms?a=1&b=%20", "text/plain", new byte[0], null)))
                .isEqualTo("http://127.0.0.1:8080/webhooks/sms?a=1&b=%20");
    }

    @Test
    void refusesEverythingWhileTheAuthTokenIsNotSet() throws IOException {
        byte[] body = fixture("incoming-sms.form");
        String url = "https://bridge.example.org/webhooks/sms";
        String signature = WebhookSignatures.twilioSignature("any-token", url, WebhookRequest.parseForm(new String(body, StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> platform("", "").verify(post(url, "application/x-www-form-urlencoded", body, signature)))
                .isInstanceOf(WebhookSignatureException.class).hasMessageContaining("auth-token is not set");
        assertThatThrownBy(() -> platform("secret", "").verify(post(url, "application/x-www-form-urlencoded", body, null)))
                .isInstanceOf(WebhookSignatureException.class).hasMessageContaining("no X-Twilio-Signature");
    }

    @Test
    void checksJsonBodiesThroughBodySha256() throws Exception {
        byte[] body = "{\"MessageSid\": \"SM1\", \"AccountSid\": \"AC1\"}".getBytes(StandardCharsets.UTF_8);
        String hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
        String url = "https://bridge.example.org/webhooks/sms?bodySHA256=" + hash;
        String signature = WebhookSignatures.twilioSignature("secret", url, List.of());

        assertThat(platform("secret", "").verify(post(url, "application/json", body, signature))).isNull();
        byte[] changed = body.clone();
        changed[5] = 'X';
        assertRefused(platform("secret", ""), post(url, "application/json", changed, signature));
    }

    @Test
    void readsAnSms() throws IOException {
        WebhookEvents events = platform("secret", "").parse(WebhookRequest.ofBody(fixture("incoming-sms.form")));

        assertThat(events.receipts()).isEmpty();
        assertThat(events.ignored()).isEmpty();
        ChatMessage message = events.messages().get(0);
        assertThat(message.channel()).isEqualTo(Channel.SMS);
        assertThat(message.account()).isEqualTo("+447700900001");
        assertThat(message.externalId()).isEqualTo("SM5f0a6c5e2b7d4e1f9a3c8b7d6e5f4a3b");
        assertThat(message.event()).isEqualTo("sms");
        assertThat(message.text()).isEqualTo("Hi, the front door lock at 12 Elm Court is broken. Can someone come today?");
        assertThat(message.sender().platformUserId()).isEqualTo("+447700900123");
        assertThat(message.sender().phone()).isEqualTo("+447700900123");
        assertThat(message.media()).isEmpty();
        assertThat(message.sentAt()).isNull();
        assertThat(platform("secret", "").acknowledges(message)).isTrue();
    }

    @Test
    void readsTheSamePayloadSavedAsJson() throws IOException {
        ChatMessage message = platform("secret", "").parse(WebhookRequest.ofBody(fixture("incoming-sms.json"))).messages().get(0);

        assertThat(message.externalId()).isEqualTo("SM6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a");
        assertThat(message.text()).isEqualTo("My boiler makes a banging noise at night");
        assertThat(message.sender().phone()).isEqualTo("+447700900123");
    }

    @Test
    void readsMmsMediaAsMediaToFetch() throws IOException {
        ChatMessage message = platform("secret", "").parse(WebhookRequest.ofBody(fixture("incoming-mms.form"))).messages().get(0);

        assertThat(message.event()).isEqualTo("mms");
        assertThat(message.text()).isEqualTo("Photos of the mould");
        assertThat(message.media()).hasSize(2);
        ChatMessage.MediaRef photo = message.media().get(0);
        assertThat(photo.url()).isEqualTo("https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/"
                + "MM8c2a5e7f1b3d4c6a9e0f2b4d6c8a0e1f/Media/ME27d6a3f1e6b04c0e9f1a2b3c4d5e6f70");
        assertThat(photo.platformId()).isEqualTo("ME27d6a3f1e6b04c0e9f1a2b3c4d5e6f70");
        assertThat(photo.contentType()).isEqualTo("image/jpeg");
        assertThat(photo.filename()).isEqualTo("ME27d6a3f1e6b04c0e9f1a2b3c4d5e6f70.jpg");
        assertThat(message.media().get(1).filename()).isEqualTo("ME9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d.pdf");
    }

    @Test
    void readsWhatsappThroughTwilioAsAnswerableSmsWithANote() throws IOException {
        ChatMessage message = platform("secret", "").parse(WebhookRequest.ofBody(fixture("incoming-whatsapp.form"))).messages().get(0);

        assertThat(message.event()).isEqualTo("whatsapp_message");
        assertThat(message.account()).isEqualTo("whatsapp:+14155238886");
        assertThat(message.sender().platformUserId()).isEqualTo("whatsapp:+447700900123");
        assertThat(message.sender().phone()).isEqualTo("whatsapp:+447700900123");
        assertThat(message.sender().displayName()).isEqualTo("Amira Hassan");
        assertThat(message.text()).startsWith("Is my rent payment through?").endsWith("[WhatsApp message received through Twilio]");
    }

    @Test
    void keepsStopButDoesNotAcknowledgeItNorOtherKeywords() throws IOException {
        SmsPlatform platform = platform("secret", "");
        ChatMessage stop = platform.parse(WebhookRequest.ofBody(fixture("incoming-stop.form"))).messages().get(0);

        assertThat(stop.text()).isEqualTo("STOP");
        assertThat(platform.acknowledges(stop)).isFalse();
        for (String keyword : List.of("stop", " Unsubscribe ", "HELP", "start", "Stop.", "quit!")) {
            assertThat(platform.isKeyword(keyword)).as(keyword).isTrue();
        }
        for (String text : List.of("Please stop the noise", "help me with my rent", "", "STOPPED")) {
            assertThat(platform.isKeyword(text)).as(text).isFalse();
        }
    }

    @Test
    void readsStatusCallbacksAsDeliveryReceipts() throws IOException {
        SmsPlatform platform = platform("secret", "");
        WebhookEvents delivered = platform.parse(WebhookRequest.ofBody(fixture("status-delivered.form")));
        WebhookEvents undelivered = platform.parse(WebhookRequest.ofBody(fixture("status-undelivered.form")));

        assertThat(delivered.messages()).isEmpty();
        assertThat(delivered.receipts()).containsExactly(new DeliveryReceipt(Channel.SMS, "SMb7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2", "delivered", null, null));
        DeliveryReceipt failed = undelivered.receipts().get(0);
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.detail()).contains("undelivered").contains("30003").contains("unreachable");

        for (String status : List.of("queued", "sending", "accepted", "scheduled")) {
            assertThat(platform.parse(statusCall(status)).isEmpty()).as(status).isTrue();
        }
        assertThat(platform.parse(statusCall("sent")).receipts().get(0).status()).isEqualTo("sent");
        assertThat(platform.parse(statusCall("read")).receipts().get(0).status()).isEqualTo("read");
        assertThat(platform.parse(statusCall("failed")).receipts().get(0).status()).isEqualTo("failed");
        assertThat(platform.parse(statusCall("canceled")).receipts().get(0).status()).isEqualTo("failed");
        assertThat(platform.parse(statusCall("partially_delivered")).ignored().get(0).type()).isEqualTo("status:partially_delivered");
    }

    @Test
    void statusPathMakesACallbackEvenWithAMessageBody() {
        // WhatsApp status callbacks through Twilio may repeat the body; the path says what it is
        byte[] body = "MessageSid=SM9&MessageStatus=delivered&Body=hello&AccountSid=AC1&From=%2B447700900001".getBytes(StandardCharsets.UTF_8);
        WebhookEvents events = platform("secret", "").parse(post("http://bridge/webhooks/sms/status", "application/x-www-form-urlencoded", body, null));

        assertThat(events.messages()).isEmpty();
        assertThat(events.receipts()).extracting(DeliveryReceipt::status).containsExactly("delivered");
    }

    static WebhookRequest statusCall(String status) {
        return WebhookRequest.ofBody(("MessageSid=SMx1&MessageStatus=" + status + "&SmsStatus=" + status
                + "&AccountSid=AC0123456789abcdef0123456789abcdef&From=%2B447700900001&To=%2B447700900123").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acknowledgesOtherTwilioWebhooksAsIgnoredAndRefusesWhatIsNotTwilio() throws IOException {
        WebhookEvents call = platform("secret", "").parse(WebhookRequest.ofBody(fixture("voice-call.form")));
        assertThat(call.messages()).isEmpty();
        assertThat(call.ignored()).extracting(WebhookEvents.Ignored::type).containsExactly("call");

        assertThatThrownBy(() -> platform("secret", "").parse(WebhookRequest.ofBody("hello=world".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(RejectedRequestException.class).satisfies(e -> assertThat(((RejectedRequestException) e).status()).isEqualTo(400));
        assertThatThrownBy(() -> platform("secret", "").parse(WebhookRequest.ofBody("{\"broken".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(RejectedRequestException.class);
        assertThatThrownBy(() -> platform("secret", "").parse(WebhookRequest.ofBody(new byte[0])))
                .isInstanceOf(RejectedRequestException.class);
    }

    @Test
    void everyFixtureIsReadWithoutError() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            for (Path file : files.sorted().toList()) {
                WebhookEvents events = SmsPlatform.forNormalise().parse(WebhookRequest.ofBody(Files.readAllBytes(file)));
                assertThat(events.isEmpty()).as(file.toString()).isFalse();
            }
        }
    }

    @Test
    void answersTwilioWithEmptyTwiml() {
        assertThat(SmsPlatform.forNormalise().success().contentType()).isEqualTo("text/xml");
        assertThat(SmsPlatform.forNormalise().success().body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
        assertThat(SmsPlatform.forNormalise().success().status()).isEqualTo(200);
    }
}
