package org.casebridge.channel.email;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseStore;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.ops.CasebridgeProperties;
import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The route step between a mailbox and the case store: normalises the mail ({@link EmailNormalizer}) and names it
 * for the idempotent repository by its Message-ID and the SHA-256 of its bytes, so a mail read again after a crash
 * or a failed publish finds its case instead of opening a second one.
 */
@Component("emailIntake")
public class EmailIntake {

    private final EmailNormalizer normalizer;
    private final EmailLimits limits;

    public EmailIntake(AttachmentStore attachments, EmailProperties email, CasebridgeProperties properties, Clock clock) {
        this.limits = email.limits();
        this.normalizer = new EmailNormalizer(attachments, limits, properties.getCases().getDefaultPriority(),
                properties.getCases().getFirstResponseTarget(), clock, email.senderAuthentication());
    }

    public EmailNormalizer normalizer() {
        return normalizer;
    }

    /** Route step: the raw mail in the body becomes the case in {@link CaseHeaders#CASE_PROPERTY}. */
    public void normalise(Exchange exchange) {
        Message message = exchange.getMessage();
        Long size = message.getHeader(EmailHeaders.SIZE, Long.class);
        if (size != null && size > limits.maxMessageSize()) {
            // the consumer did not download it: the mail stays on the server, marked, for a person to look at
            throw new RejectedMessageException("message-too-large",
                    "The mail is " + size + " bytes, over the limit of " + limits.maxMessageSize() + " bytes; it was left on the server.");
        }
        byte[] raw = message.getBody(byte[].class);
        exchange.setProperty(CaseStore.RAW_BYTES_PROPERTY, raw);
        String mailbox = message.getHeader(EmailHeaders.MAILBOX, String.class);
        // an EmailRejectedException is a RejectedMessageException: recorded and dead-lettered by the shared handling
        Case value = normalizer.normalise(raw, "mailbox:" + mailbox, message.getHeader(CaseHeaders.RAW_REF, String.class));
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, value);
        message.setHeader(CaseHeaders.CASE_ID, value.caseId());
        message.setHeader(CaseHeaders.MESSAGE_ID, value.messageId());
        String messageId = value.source().externalId() == null ? "" : value.source().externalId();
        message.setHeader(CaseHeaders.IDEMPOTENCY_KEY, "mail:" + BlobStore.sha256Hex(messageId.getBytes(StandardCharsets.UTF_8)).substring(0, 32)
                + ":" + BlobStore.sha256Hex(raw == null ? new byte[0] : raw));
    }
}
