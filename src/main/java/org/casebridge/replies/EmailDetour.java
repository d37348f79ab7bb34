package org.casebridge.replies;

import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.Customer;
import org.casebridge.channel.email.EmailReplySender;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Detour of a reply from its own channel to email, for a channel that cannot carry it now (WhatsApp outside its
 * 24-hour window) when the customer's address is known: the outbound case is re-addressed as an email reply, threaded
 * and with the case's reply address, and the route then sends it through the outbox like any email reply.
 */
@Component("emailDetour")
public class EmailDetour {

    /** Exchange property: the address to send the reply to instead; set by the channel's sender flow. */
    public static final String ADDRESS_PROPERTY = "CasebridgeEmailDetour";

    private final EmailReplySender email;

    EmailDetour(EmailReplySender email) {
        this.email = email;
    }

    /**
     * Route step: the outbound case in {@link CaseHeaders#CASE_PROPERTY} addressed by email to the address in
     * {@link #ADDRESS_PROPERTY}; its Message-ID becomes the platform id recorded for it, so an answer by mail threads.
     */
    public void readdress(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        String address = exchange.getProperty(ADDRESS_PROPERTY, String.class);
        Customer known = value.customer();
        Customer customer = new Customer(known == null ? null : known.displayName(), address, known == null ? null : known.phone(),
                known == null ? null : known.handle(), known == null ? null : known.platformUserId(),
                known == null ? null : known.customerId(), known == null ? null : known.tenancyRef());
        Case addressee = new Case(value.schemaVersion(), value.caseId(), value.messageId(), value.channel(), value.direction(), value.kind(),
                value.receivedAt(), value.sentAt(), customer, value.subject(), value.body(), value.attachments(), null, value.thread(),
                value.source(), value.priority(), value.category(), value.sla(), value.trust());
        EmailReplySender.Addressing addressing = email.address(value.caseId(), value.subject(), value.messageId(), addressee, null, List.of());
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, new Case(value.schemaVersion(), value.caseId(), value.messageId(), value.channel(),
                value.direction(), value.kind(), value.receivedAt(), value.sentAt(), customer, addressing.subject(), value.body(),
                value.attachments(), addressing.recipients(), addressing.thread(), addressing.source(), value.priority(), value.category(),
                value.sla(), value.trust()));
        exchange.getMessage().setHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, addressing.source().externalId());
    }
}
