package org.casebridge.channel.email;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * The {@code mailbox:<name>} component: a push consumer for a mailbox configured in {@code casebridge.email.mailboxes}.
 * camel-mail polls on a timer, and a minute's poll is exactly the delay casebridge exists to remove: this consumer
 * waits in IMAP IDLE and reads a mail the moment the server announces it, polling only where IDLE is missing.
 */
@Component("mailbox")
public class MailboxComponent extends DefaultComponent {

    private final EmailProperties properties;
    private final MailTokens tokens;
    private final MailboxHealth health;

    public MailboxComponent(EmailProperties properties, MailTokens tokens, MailboxHealth health) {
        this.properties = properties;
        this.tokens = tokens;
        this.health = health;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        EmailProperties.Mailbox mailbox = properties.mailbox(remaining);
        mailbox.validate();
        MailboxEndpoint endpoint = new MailboxEndpoint(uri, this, mailbox, properties.getMaxMessageSize().toBytes(), tokens, health);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
