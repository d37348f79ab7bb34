package org.casebridge.channel.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Slack's v0 signature check on Slack's published test vector (slack-docs-1 in the shared corpus). */
class SlackRequestVerifierTests {

    static JsonNode vector;

    @BeforeAll
    static void readVector() throws IOException {
        for (JsonNode candidate : new ObjectMapper().readTree(Path.of("../shared/corpus/signatures/vectors.json").toFile())) {
            if ("slack-docs-1".equals(candidate.path("id").asText())) {
                vector = candidate;
            }
        }
        if (vector == null) {
            throw new IllegalStateException("slack-docs-1 is missing from ../shared/corpus/signatures/vectors.json");
        }
    }

    static SlackRequestVerifier verifier(String secret, long nowSeconds) {
        return new SlackRequestVerifier(secret, Clock.fixed(Instant.ofEpochSecond(nowSeconds), ZoneOffset.UTC), Duration.ofMinutes(5));
    }

    String secret() {
        return vector.get("signing_secret").asText();
    }

    String timestamp() {
        return vector.get("x_slack_request_timestamp").asText();
    }

    byte[] body() {
        return vector.get("raw_body").asText().getBytes(StandardCharsets.UTF_8);
    }

    String signature() {
        return vector.get("expected_x_slack_signature").asText();
    }

    @Test
    void acceptsSlacksPublishedVectorWithTheClockAtItsTimestamp() {
        assertThatCode(() -> verifier(secret(), Long.parseLong(timestamp())).verify(timestamp(), signature(), body())).doesNotThrowAnyException();
        // within five minutes either way is still fresh
        assertThatCode(() -> verifier(secret(), Long.parseLong(timestamp()) + 299).verify(timestamp(), signature(), body())).doesNotThrowAnyException();
    }

    @Test
    void refusesAOneByteChangeToTheBody() {
        byte[] body = body();
        body[body.length - 1] ^= 1;
        assertThatThrownBy(() -> verifier(secret(), Long.parseLong(timestamp())).verify(timestamp(), signature(), body))
                .isInstanceOf(WebhookSignatureException.class);
    }

    @Test
    void refusesAOneByteChangeToTheSecret() {
        String secret = secret().substring(0, secret().length() - 1) + (secret().endsWith("5") ? "6" : "5");
        assertThatThrownBy(() -> verifier(secret, Long.parseLong(timestamp())).verify(timestamp(), signature(), body()))
                .isInstanceOf(WebhookSignatureException.class);
    }

    @Test
    void refusesAOneByteChangeToTheTimestamp() {
        String timestamp = timestamp().substring(0, timestamp().length() - 1) + (timestamp().endsWith("9") ? "8" : "9");
        assertThatThrownBy(() -> verifier(secret(), Long.parseLong(timestamp())).verify(timestamp, signature(), body()))
                .isInstanceOf(WebhookSignatureException.class);
    }

    @Test
    void refusesATimestampOlderThanFiveMinutesEvenWithAValidSignature() {
        assertThatThrownBy(() -> verifier(secret(), Long.parseLong(timestamp()) + 301).verify(timestamp(), signature(), body()))
                .isInstanceOf(WebhookSignatureException.class).hasMessageContaining("replay");
    }

    @Test
    void refusesEverythingWithoutASigningSecretOrSignature() {
        assertThatThrownBy(() -> verifier("", Long.parseLong(timestamp())).verify(timestamp(), signature(), body()))
                .isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> verifier(secret(), Long.parseLong(timestamp())).verify(timestamp(), null, body()))
                .isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> verifier(secret(), Long.parseLong(timestamp())).verify(null, signature(), body()))
                .isInstanceOf(WebhookSignatureException.class);
    }
}
