package org.casebridge.channel.meta;

import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;

/**
 * The checks of a Messenger Platform webhook call (Messenger and Instagram alike): the GET verification handshake
 * with the verify token, and the {@code X-Hub-Signature-256} HMAC of the raw body with the app secret.
 */
public final class MetaWebhooks {

    /** The header Meta signs every POST with. */
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    private MetaWebhooks() {
    }

    /**
     * Checks one call for {@code platform} (its name, for messages): a GET is the handshake and gets its challenge
     * back; a POST must carry the app secret's signature. An unset secret or token refuses every call.
     */
    public static WebhookHandshake verify(WebhookRequest request, MetaMessagingProperties settings, String platform) {
        if ("GET".equalsIgnoreCase(request.method())) {
            return handshake(request, settings, platform);
        }
        String secret = settings.getAppSecret();
        if (secret == null || secret.isBlank()) {
            throw new WebhookSignatureException("No app secret is configured for " + platform
                    + " (casebridge.channels." + platform + ".app-secret): no call can be verified, so every call is refused.");
        }
        String signature = request.header(SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            throw new WebhookSignatureException("The call carries no " + SIGNATURE_HEADER + " header.");
        }
        if (!WebhookSignatures.isValidHubSignature256(secret, request.body(), signature)) {
            throw new WebhookSignatureException("The " + SIGNATURE_HEADER + " header does not match the body and the app secret.");
        }
        return null;
    }

    /**
     * Meta's subscription check: {@code hub.mode=subscribe}, {@code hub.verify_token} equal to ours, and the
     * {@code hub.challenge} echoed as plain text. Only a plain token is echoed, so the endpoint reflects nothing else.
     */
    static WebhookHandshake handshake(WebhookRequest request, MetaMessagingProperties settings, String platform) {
        String mode = request.queryParameter("hub.mode");
        String token = request.queryParameter("hub.verify_token");
        String challenge = request.queryParameter("hub.challenge");
        if (!"subscribe".equals(mode)) {
            throw new RejectedRequestException(400, "not-a-handshake", "Not a webhook handshake",
                    "A GET to this webhook must be Meta's verification request (hub.mode=subscribe).");
        }
        String expected = settings.getVerifyToken();
        if (expected == null || expected.isBlank()) {
            throw new RejectedRequestException(403, "verify-token-mismatch", "Verify token mismatch",
                    "No verify token is configured (casebridge.channels." + platform + ".verify-token): the subscription is refused.");
        }
        if (!WebhookSignatures.constantTimeEquals(expected, token)) {
            throw new RejectedRequestException(403, "verify-token-mismatch", "Verify token mismatch",
                    "hub.verify_token does not match casebridge.channels." + platform + ".verify-token.");
        }
        if (challenge == null || !challenge.matches("[A-Za-z0-9_.-]{1,256}")) {
            throw new RejectedRequestException(400, "invalid-challenge", "Invalid challenge",
                    "hub.challenge must be a plain token of at most 256 letters, digits, '.', '_' or '-'.");
        }
        return WebhookHandshake.text(challenge);
    }
}
