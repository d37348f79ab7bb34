package org.casebridge.channel.chat;

import org.casebridge.shared.RejectedRequestException;

/**
 * A webhook call whose signature, secret token or signed timestamp does not check out: answered 401, nothing stored,
 * and the attempt recorded without its body (it may be forged, or someone probing the endpoint).
 */
public class WebhookSignatureException extends RejectedRequestException {

    public WebhookSignatureException(String detail) {
        super(401, "invalid-signature", "Webhook signature invalid", detail);
    }
}
