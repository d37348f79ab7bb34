package org.casebridge.channel.email;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** Endpoint of one configured mailbox; it only consumes (replies go out through SMTP). */
public class MailboxEndpoint extends DefaultEndpoint {

    private final EmailProperties.Mailbox mailbox;
    private final long maxMessageSize;

    private final MailTokens tokens;
    private final MailboxHealth health;

    MailboxEndpoint(String uri, MailboxComponent component, EmailProperties.Mailbox mailbox, long maxMessageSize, MailTokens tokens,
                    MailboxHealth health) {
        super(uri, component);
        this.mailbox = mailbox;
        this.maxMessageSize = maxMessageSize;
        this.tokens = tokens;
        this.health = health;
    }

    MailTokens tokens() {
        return tokens;
    }

    MailboxHealth health() {
        return health;
    }

    long maxMessageSize() {
        return maxMessageSize;
    }

    public EmailProperties.Mailbox mailbox() {
        return mailbox;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("mailbox: endpoints only receive; send mail with the smtp component");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        MailboxConsumer consumer = new MailboxConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public boolean isRemote() {
        return true;
    }
}
