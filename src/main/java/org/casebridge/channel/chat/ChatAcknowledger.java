package org.casebridge.channel.chat;

import org.apache.camel.Exchange;
import org.casebridge.cases.Acknowledgements;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.MessageKind;
import org.casebridge.sla.ExpectedWaits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;


/**
 * The automatic answer to a chat message that opened a case: the case reference and when to expect a reply, sent on
 * the customer's own channel through {@code casebridge.replies} like any reply. Rate-limited per customer with the
 * email acknowledgements' limit, in the database so every instance counts the same.
 */
@Component("chatAcknowledger")
public class ChatAcknowledger {

    /** Exchange property holding the acknowledgement to queue, when one is due (the same as email's). */
    public static final String ACKNOWLEDGEMENT = Acknowledgements.PROPERTY;

    /** Exchange property: the platform answers this message itself ({@link ChatPlatform#acknowledges}); no acknowledgement. */
    public static final String NOT_ACKNOWLEDGED = "CasebridgeNotAcknowledged";

    private static final Logger LOG = LoggerFactory.getLogger(ChatAcknowledger.class);

    private final Acknowledgements acknowledgements;
    private final ChatProperties properties;
    private final ExpectedWaits expectedWaits;

    public ChatAcknowledger(Acknowledgements acknowledgements, ChatProperties properties, ExpectedWaits expectedWaits) {
        this.acknowledgements = acknowledgements;
        this.properties = properties;
        this.expectedWaits = expectedWaits;
    }

    /**
     * Route step after the case is published: when the message opened a case, puts the acknowledgement reply (JSON, as
     * {@code casebridge.replies} takes it) in the exchange property {@link #ACKNOWLEDGEMENT}.
     */
    public void acknowledge(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (!properties.isAcknowledge() || value == null || value.kind() != MessageKind.MESSAGE || value.thread() == null
                || value.thread().joinsExistingCase() || value.customer() == null) {
            return;
        }
        if (exchange.getProperty(NOT_ACKNOWLEDGED, false, Boolean.class)) {
            LOG.info("No acknowledgement for {}: {} answers this message itself", value.caseId(), value.channel().wireName());
            return;
        }
        String who = value.customer().platformUserId() != null ? value.customer().platformUserId() : value.customer().phone();
        if (who == null) {
            return;
        }
        if (acknowledgements.claim(value.channel().wireName() + ":" + who, value.caseId())) {
            exchange.setProperty(ACKNOWLEDGEMENT, acknowledgements.reply(value, text(value)));
        }
    }

    /** Short, as chat messages are: the reference, the live expected wait (as on every channel), the promised time. */
    String text(Case value) {
        StringBuilder text = new StringBuilder("Thanks, we have your message. Your reference is ").append(value.caseId()).append(". ");
        text.append(expectedWaits.sentenceFor(value)).append('.');
        String due = acknowledgements.due(value);
        if (due != null) {
            text.append(" We will answer by ").append(due).append(" at the latest.");
        }
        return text.toString();
    }
}
