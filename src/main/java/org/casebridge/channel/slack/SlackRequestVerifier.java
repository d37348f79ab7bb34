package org.casebridge.channel.slack;

import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;

import java.time.Clock;
import java.time.Duration;

/**
 * Checks that a call to {@code /webhooks/slack} comes from Slack: the v0 signature ({@code X-Slack-Signature}) over
 * {@code v0:<timestamp>:<body>}, and a signed timestamp ({@code X-Slack-Request-Timestamp}) no further than
 * {@code casebridge.chat.signature-max-age} from now, so a recorded call cannot be replayed later.
 */
final class SlackRequestVerifier {

    private final String signingSecret;
    private final Clock clock;
    private final Duration maxAge;

    SlackRequestVerifier(String signingSecret, Clock clock, Duration maxAge) {
        this.signingSecret = signingSecret;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** Throws {@link WebhookSignatureException} (401) unless the call is signed, fresh and the secret configured. */
    void verify(String timestamp, String signature, byte[] body) {
        if (signingSecret == null || signingSecret.isBlank()) {
            throw new WebhookSignatureException("No Slack signing secret is configured (casebridge.channels.slack.signing-secret): every call is refused.");
        }
        WebhookSignatures.verifySlack(signingSecret, timestamp, body, signature, clock.instant(), maxAge);
    }
}
