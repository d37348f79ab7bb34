package org.casebridge.replies;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Direction;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Recipients;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.cases.ThreadMethod;
import org.casebridge.cases.Trust;
import org.jsoup.Jsoup;
import org.jsoup.safety.Safelist;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Translator from a back-office reply ({@code casebridge.replies}) to the outbound {@link Case} message that goes to
 * the customer: on the case's channel, to the customer of the case's first message, addressed by the channel that
 * delivers it.
 */
@Component("replyTranslator")
public class ReplyTranslator {

    /** The back office wrote it, and the bridge took it from a trusted queue or client: nothing to verify. */
    private static final Trust BACK_OFFICE = new Trust(true, "back-office");

    private final ReplyReader reader;
    private final OutboundMessages outbound;
    private final ReplySenders senders;
    private final Clock clock;

    ReplyTranslator(ReplyReader reader, OutboundMessages outbound, ReplySenders senders, Clock clock) {
        this.clock = clock;
        this.reader = reader;
        this.outbound = outbound;
        this.senders = senders;
    }

    /**
     * Route step: reads the reply in the body, puts the outbound case in {@link CaseHeaders#CASE_PROPERTY} and sets
     * the case headers and {@link ReplyHeaders#DELIVERY_CHANNEL}. A reply that can never be delivered as written (no
     * such case, no address to answer to, invalid fields) is a {@link RejectedMessageException}.
     */
    public void translate(Exchange exchange) {
        Message message = exchange.getMessage();
        Reply reply = reader.readQueued(message.getBody(String.class));
        String caseId = reply.caseId() != null ? reply.caseId() : message.getHeader(CaseHeaders.CASE_ID, String.class);
        String normalised = caseId == null ? null : caseId.strip().toUpperCase(Locale.ROOT);
        Optional<OutboundMessages.CaseFacts> found = CaseIds.isCaseId(normalised) ? outbound.caseFacts(normalised) : Optional.empty();
        OutboundMessages.CaseFacts facts = found.orElseThrow(() -> new RejectedMessageException("case-not-found", "No case '" + caseId + "' to reply to"));
        if (facts.firstInbound() == null) {
            throw new RejectedMessageException("no-customer", "Case " + normalised + " has no message from a customer to answer");
        }
        String messageId = reply.replyId() != null ? reply.replyId() : derivedReplyId(message);
        Channel deliveredBy = deliveryChannel(facts.channel());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String text = reply.text().replace("\r\n", "\n");
        // sanitised once, here: the case stores exactly the HTML the customer receives
        String html = reply.html() == null || reply.html().isBlank() ? null : Jsoup.clean(reply.html(), Safelist.basic());

        // a channel without a sender keeps these: the route then fails the reply, and the stored message says why
        String subject = facts.subject();
        Recipients recipients = null;
        CaseThread thread = new CaseThread(ThreadMethod.HEADER, 1.0, null, List.of(), null);
        Source source = new Source("casebridge", null, null);
        if (deliveredBy != Channel.EMAIL && facts.firstInbound().source() != null) {
            // a chat reply goes out from the account the customer wrote to (source.system, e.g. whatsapp:<number id>)
            source = new Source(facts.firstInbound().source().system(), null, null);
            thread = new CaseThread(ThreadMethod.PLATFORM, 1.0, null, List.of(), null);
        }
        Case draft = new Case(Case.SCHEMA_VERSION, normalised, messageId, facts.channel(), Direction.OUTBOUND,
                MessageKind.fromWire(reply.kindOrDefault()), now, null, facts.firstInbound().customer(), subject,
                new Body(text, text.strip(), html), List.of(), recipients, thread, source, facts.priority(), null,
                new Sla(null), BACK_OFFICE);
        // a channel that addresses replies itself (email: recipients, subject, threading, Message-ID) does so now
        ReplySender.Conversation conversation = new ReplySender.Conversation(facts.firstInbound(), facts.latestEmailId(),
                facts.latestEmailReferences());
        Case value = senders.sender(deliveredBy).map(sender -> sender.address(draft, conversation)).orElse(draft);

        exchange.setProperty(CaseHeaders.CASE_PROPERTY, value);
        exchange.setProperty(ReplyHeaders.REPLY_PROPERTY, reply);
        message.setHeader(CaseHeaders.CASE_ID, value.caseId());
        message.setHeader(CaseHeaders.MESSAGE_ID, value.messageId());
        message.setHeader(CaseHeaders.CHANNEL, value.channel().wireName());
        message.setHeader(CaseHeaders.KIND, value.kind().wireName());
        message.setHeader(ReplyHeaders.DELIVERY_CHANNEL, deliveredBy.wireName());
    }

    /**
     * The channel that carries a reply on a case of {@code channel}: the channel itself, except web form cases, which
     * are answered by email (the form asked for the address).
     */
    static Channel deliveryChannel(Channel channel) {
        return channel == Channel.WEBFORM ? Channel.EMAIL : channel;
    }

    /**
     * A reply id for a queue message that brought none: derived from the JMS message id, so the broker's redelivery of
     * the same message finds the reply it stored and never sends it twice.
     */
    private static String derivedReplyId(Message message) {
        String jmsMessageId = message.getHeader("JMSMessageID", String.class);
        UUID id = jmsMessageId == null ? UUID.randomUUID() : UUID.nameUUIDFromBytes(("jms:" + jmsMessageId).getBytes(StandardCharsets.UTF_8));
        return "msg-" + id;
    }
}
