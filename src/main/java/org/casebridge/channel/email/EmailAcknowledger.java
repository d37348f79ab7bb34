package org.casebridge.channel.email;

import org.apache.camel.Exchange;
import org.casebridge.cases.Acknowledgements;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.MessageKind;
import org.casebridge.sla.ExpectedWaits;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.Locale;

/**
 * Answers the first email of a new case at once with its reference and when to expect an answer, as an automatic
 * reply ({@code Auto-Submitted: auto-replied}) through the ordinary reply path. Never for auto-replies, bounces or
 * bulk mail (they never open a case), never for a message joining an existing case, and at most a few times per
 * sender and hour, so two auto-responders cannot mail each other forever.
 */
@Component("emailAcknowledger")
public class EmailAcknowledger {

    /** Exchange property holding the acknowledgement to queue, when one is due. */
    public static final String ACKNOWLEDGEMENT = Acknowledgements.PROPERTY;

    private final Acknowledgements acknowledgements;
    private final ExpectedWaits expectedWaits;
    private final boolean enabled;

    public EmailAcknowledger(Acknowledgements acknowledgements, ExpectedWaits expectedWaits,
                             @Value("${casebridge.email.acknowledgement.enabled}") boolean enabled) {
        this.acknowledgements = acknowledgements;
        this.expectedWaits = expectedWaits;
        this.enabled = enabled;
    }

    /**
     * Route step after the case is published: when an acknowledgement is due, records it (for the rate limit) and puts
     * the reply to send, as JSON, in the exchange property {@link #ACKNOWLEDGEMENT}.
     */
    public void acknowledge(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (!enabled || value == null || value.kind() != MessageKind.MESSAGE || value.thread() == null || value.thread().joinsExistingCase()) {
            return;
        }
        String recipient = value.customer() == null ? null : value.customer().email();
        if (recipient == null || !acknowledgements.claim(recipient.toLowerCase(Locale.ROOT), value.caseId())) {
            return;
        }
        exchange.setProperty(ACKNOWLEDGEMENT, acknowledgements.reply(value, text(value)));
    }

    private String text(Case value) {
        String due = acknowledgements.due(value);
        StringBuilder text = new StringBuilder();
        text.append("Thank you for your message. We have received it and opened case ").append(value.caseId()).append(".\n\n");
        // the live expected wait (the same sentence on every channel), then the commitment for this case
        text.append(expectedWaits.sentenceFor(value)).append(".");
        if (due != null) {
            text.append(" We will answer this message by ").append(due).append(" at the latest.");
        }
        text.append("\n\n");
        text.append("If you write to us again about this, please keep ").append(value.caseId())
                .append(" in the subject line, or simply reply to this email.\n\n")
                .append("This is an automatic message.");
        return text.toString();
    }
}
