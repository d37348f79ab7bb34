package org.casebridge.channel.email;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code routes/case-replies-to-email.yaml} calls when the SMTP server refused the outbox's login (535): with
 * XOAUTH2 the cached token is dropped, so that the route's one retry logs in with a fresh one (Exchange Online revokes
 * tokens before they expire); a refused password is not retried and the failure goes on as it came.
 */
public class OutboxLoginRefusal {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxLoginRefusal.class);

    private final OutboxProperties outbox;
    private final MailTokens tokens;

    OutboxLoginRefusal(OutboxProperties outbox, MailTokens tokens) {
        this.outbox = outbox;
        this.tokens = tokens;
    }

    /** Drops the refused token, or rethrows the refusal when the outbox logs in with a password. */
    public void renew(Exchange exchange) throws Exception {
        Exception refused = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (!outbox.isOAuth2()) {
            throw refused;
        }
        LOG.warn("Outbox: XOAUTH2 login as {} refused, retrying once with a fresh token", outbox.getUsername());
        tokens.invalidate(outbox.getUsername(), outbox.getOauth2());
    }
}
