package org.casebridge.channel.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The published signature test vectors ({@code ../shared/corpus/signatures/vectors.json}, read in place): every
 * expected value is accepted, and a one-byte change to body, secret, URL or timestamp is refused.
 */
class WebhookSignaturesTests {

    static final Path VECTORS = Path.of("../shared/corpus/signatures/vectors.json");
    static JsonNode vectors;

    @BeforeAll
    static void load() throws IOException {
        boolean present = Files.isRegularFile(VECTORS);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("The signature vectors are missing at " + VECTORS.toAbsolutePath().normalize() + " and CI=true");
        }
        assumeTrue(present, "signature vectors not found");
        vectors = new ObjectMapper().readTree(VECTORS.toFile());
    }

    static List<JsonNode> vectorsWhere(Predicate<String> id) {
        List<JsonNode> found = new ArrayList<>();
        vectors.forEach(v -> {
            if (id.test(v.get("id").asText())) {
                found.add(v);
            }
        });
        assertThat(found).as("vectors").isNotEmpty();
        return found;
    }

    @Test
    void acceptsTheXHubSignature256VectorAndRefusesOneByteChanges() {
        for (JsonNode v : vectorsWhere(id -> id.startsWith("x-hub-signature-256"))) {
            String secret = v.get("secret").asText();
            byte[] body = v.get("raw_body").asText().getBytes(StandardCharsets.UTF_8);
            String header = v.get("expected_header").asText();
            assertThat(WebhookSignatures.hubSignature256(secret, body)).isEqualTo(header);
            assertThat(WebhookSignatures.isValidHubSignature256(secret, body, header)).isTrue();
            assertThat(WebhookSignatures.isValidHubSignature256(secret, body, header.toUpperCase().replace("SHA256=", "sha256="))).isTrue();
            for (byte[] changed : oneByteChanges(body)) {
                assertThat(WebhookSignatures.isValidHubSignature256(secret, changed, header)).isFalse();
            }
            for (String changed : oneCharChanges(secret)) {
                assertThat(WebhookSignatures.isValidHubSignature256(changed, body, header)).isFalse();
            }
            assertThat(WebhookSignatures.isValidHubSignature256(secret, body, null)).isFalse();
            assertThat(WebhookSignatures.isValidHubSignature256("", body, header)).isFalse();
        }
    }

    @Test
    void acceptsTheSlackVectorWithinFiveMinutesAndRefusesChangesAndStaleTimestamps() {
        for (JsonNode v : vectorsWhere(id -> id.startsWith("slack"))) {
            String secret = v.get("signing_secret").asText();
            String timestamp = v.get("x_slack_request_timestamp").asText();
            byte[] body = v.get("raw_body").asText().getBytes(StandardCharsets.UTF_8);
            String signature = v.get("expected_x_slack_signature").asText();
            Instant then = Instant.ofEpochSecond(Long.parseLong(timestamp));
            Duration max = WebhookSignatures.DEFAULT_MAX_AGE;

            assertThat(WebhookSignatures.slackSignature(secret, timestamp, body)).isEqualTo(signature);
            WebhookSignatures.verifySlack(secret, timestamp, body, signature, then, max);
            WebhookSignatures.verifySlack(secret, timestamp, body, signature, then.plus(Duration.ofMinutes(4)), max);
            for (byte[] changed : oneByteChanges(body)) {
                assertThatThrownBy(() -> WebhookSignatures.verifySlack(secret, timestamp, changed, signature, then, max))
                        .isInstanceOf(WebhookSignatureException.class);
            }
            for (String changed : oneCharChanges(secret)) {
                assertThatThrownBy(() -> WebhookSignatures.verifySlack(changed, timestamp, body, signature, then, max))
                        .isInstanceOf(WebhookSignatureException.class);
            }
            // a timestamp one second off is signed differently, and a replay six minutes later is refused by age
            String otherTimestamp = String.valueOf(Long.parseLong(timestamp) + 1);
            assertThatThrownBy(() -> WebhookSignatures.verifySlack(secret, otherTimestamp, body, signature, then, max))
                    .isInstanceOf(WebhookSignatureException.class);
            assertThatThrownBy(() -> WebhookSignatures.verifySlack(secret, timestamp, body, signature, then.plus(Duration.ofMinutes(6)), max))
                    .isInstanceOf(WebhookSignatureException.class).hasMessageContaining("replay");
        }
    }

    @Test
    void acceptsEveryTwilioFormVectorIncludingPortVariantsAndRefusesChanges() {
        for (JsonNode v : vectorsWhere(id -> id.startsWith("twilio") && !id.equals("twilio-json-body"))) {
            String token = v.get("auth_token").asText();
            String url = v.get("url").asText();
            List<Map.Entry<String, String>> params = params(v);
            String signature = v.has("expected_x_twilio_signature") ? v.get("expected_x_twilio_signature").asText()
                    : v.get("expected_valid_signature").asText();
            assertThat(WebhookSignatures.isValidTwilio(token, url, params, signature)).as(v.get("id").asText()).isTrue();
            for (String changed : oneCharChanges(token)) {
                assertThat(WebhookSignatures.isValidTwilio(changed, url, params, signature)).as(v.get("id") + " token").isFalse();
            }
            for (String changed : oneCharChanges(url)) {
                // a changed port is no change to Twilio: its validators strip the port
                if (java.util.Collections.disjoint(WebhookSignatures.urlPortVariants(url), WebhookSignatures.urlPortVariants(changed))) {
                    assertThat(WebhookSignatures.isValidTwilio(token, changed, params, signature)).as(v.get("id") + " url " + changed).isFalse();
                }
            }
            for (int i = 0; i < params.size(); i++) {
                List<Map.Entry<String, String>> changed = new ArrayList<>(params);
                Map.Entry<String, String> pair = changed.get(i);
                changed.set(i, Map.entry(pair.getKey(), pair.getValue() + "0"));
                assertThat(WebhookSignatures.isValidTwilio(token, url, changed, signature)).as(v.get("id") + " param").isFalse();
            }
        }
    }

    @Test
    void theTwilioBaseSignatureAlsoValidatesWithTheDefaultPortMadeExplicit() {
        JsonNode with443 = vectorsWhere(id -> id.equals("twilio-port-https-443")).get(0);
        String portless = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assertThat(WebhookSignatures.isValidTwilio(with443.get("auth_token").asText(), portless, params(with443),
                with443.get("expected_x_twilio_signature").asText())).isTrue();
    }

    @Test
    void acceptsTheTwilioJsonBodyVectorAndRefusesAChangedBody() {
        JsonNode v = vectorsWhere(id -> id.equals("twilio-json-body")).get(0);
        String token = v.get("auth_token").asText();
        byte[] body = v.get("raw_body").asText().getBytes(StandardCharsets.UTF_8);
        String url = v.get("url").asText();
        String signature = v.get("expected_x_twilio_signature").asText();
        assertThat(java.util.HexFormat.of().formatHex(WebhookSignatures.sha256(body))).isEqualTo(v.get("expected_bodySHA256").asText());
        assertThat(WebhookSignatures.isValidTwilioJson(token, url, body, signature)).isTrue();
        for (byte[] changed : oneByteChanges(body)) {
            assertThat(WebhookSignatures.isValidTwilioJson(token, url, changed, signature)).isFalse();
        }
        for (String changed : oneCharChanges(token)) {
            assertThat(WebhookSignatures.isValidTwilioJson(changed, url, body, signature)).isFalse();
        }
    }

    @Test
    void answersXCrcChallengesAndChecksXSignatures() {
        // X documents the construction (base64 HMAC-SHA256 with the consumer secret); this checks it against the JDK
        String secret = "consumer-secret";
        String token = WebhookSignatures.xCrcResponseToken(secret, "crc-123");
        assertThat(token).startsWith("sha256=").hasSize("sha256=".length() + 44);
        byte[] body = "{\"for_user_id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
        String header = "sha256=" + java.util.Base64.getEncoder().encodeToString(hmac(secret, body));
        assertThat(WebhookSignatures.isValidXSignature(secret, body, header)).isTrue();
        for (byte[] changed : oneByteChanges(body)) {
            assertThat(WebhookSignatures.isValidXSignature(secret, changed, header)).isFalse();
        }
    }

    @Test
    void refusesMissingOrMalformedTimestamps() {
        Instant now = Instant.now();
        assertThatThrownBy(() -> WebhookSignatures.requireFresh(null, now, Duration.ofMinutes(5))).isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> WebhookSignatures.requireFresh("soon", now, Duration.ofMinutes(5))).isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> WebhookSignatures.requireFresh(String.valueOf(now.plusSeconds(400).getEpochSecond()), now, Duration.ofMinutes(5)))
                .isInstanceOf(WebhookSignatureException.class);
        assertThat(WebhookSignatures.requireFresh(String.valueOf(now.getEpochSecond()), now, Duration.ofMinutes(5)))
                .isEqualTo(Instant.ofEpochSecond(now.getEpochSecond()));
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Map.Entry<String, String>> params(JsonNode vector) {
        if (vector.has("form_params_raw")) {
            return WebhookRequest.parseForm(vector.get("form_params_raw").asText());
        }
        List<Map.Entry<String, String>> params = new ArrayList<>();
        vector.path("form_params").fields().forEachRemaining(e -> params.add(Map.entry(e.getKey(), e.getValue().asText())));
        if (vector.get("id").asText().equals("twilio-https-port-stripped")) {
            // published without its parameters: they are the base vector's
            vectors.forEach(v -> {
                if (v.get("id").asText().equals("twilio-1")) {
                    v.get("form_params").fields().forEachRemaining(e -> params.add(Map.entry(e.getKey(), e.getValue().asText())));
                }
            });
        }
        return params;
    }

    /** The body with each byte in turn changed (for long bodies: the first, middle and last). */
    static List<byte[]> oneByteChanges(byte[] body) {
        List<byte[]> changes = new ArrayList<>();
        List<Integer> positions = body.length <= 64 ? java.util.stream.IntStream.range(0, body.length).boxed().toList()
                : List.of(0, body.length / 2, body.length - 1);
        for (int i : positions) {
            byte[] copy = body.clone();
            copy[i] = (byte) (copy[i] ^ 0x01);
            changes.add(copy);
        }
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
        longer[body.length] = ' ';
        changes.add(longer);
        return changes;
    }

    static List<String> oneCharChanges(String value) {
        List<String> changes = new ArrayList<>();
        for (byte[] bytes : oneByteChanges(value.getBytes(StandardCharsets.ISO_8859_1))) {
            changes.add(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return changes;
    }
}
