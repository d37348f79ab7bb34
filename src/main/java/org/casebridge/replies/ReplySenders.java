package org.casebridge.replies;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.shared.RejectedMessageException;
import org.springframework.stereotype.Component;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generic reply flow's steps ({@code routes/case-replies-to-customer.yaml}): finds the {@link ReplySender} of the
 * reply's delivery channel among the Spring beans, asks it for its plan, hands each {@link PlatformCall} to
 * {@code direct:send-<channel>} and has the sender read each answer, until the reply is sent, refused (a
 * {@link RejectedMessageException}: dead-lettered at once, shown on the case) or failed (redelivered).
 */
@Component("replySenders")
public class ReplySenders {

    /** Exchange property: the next call to make, or none when the plan is done (the route loops while there is one). */
    static final String CALL_PROPERTY = "CasebridgeReplyCall";
    /** Exchange property: the channel whose endpoint the call goes to ({@code direct:send-<channel>}). */
    static final String VIA_PROPERTY = "CasebridgeReplyVia";
    private static final String QUEUE_PROPERTY = "CasebridgeReplyCalls";
    private static final String SAVED_HEADERS_PROPERTY = "CasebridgeReplySavedHeaders";
    private static final String DETOUR_PROPERTY = "CasebridgeReplyDetour";
    private static final String PLANNED_PROPERTY = "CasebridgeReplyPlanned";

    private final Map<Channel, ReplySender> senders = new EnumMap<>(Channel.class);

    private final ProducerTemplate producer;

    ReplySenders(List<ReplySender> senders, ProducerTemplate producer) {
        this.producer = producer;
        for (ReplySender sender : senders) {
            ReplySender earlier = this.senders.put(sender.channel(), sender);
            if (earlier != null) {
                throw new IllegalStateException("Two reply senders for channel " + sender.channel().wireName() + ": "
                        + earlier.getClass().getName() + " and " + sender.getClass().getName());
            }
        }
    }

    /** The running sender of {@code channel}, if there is one. */
    Optional<ReplySender> sender(Channel channel) {
        return Optional.ofNullable(channel == null ? null : senders.get(channel)).filter(ReplySender::enabled);
    }

    /** Whether replies on {@code channel} (wire name) can be sent by this bridge. */
    public boolean hasSender(String channel) {
        try {
            return sender(Channel.fromWire(channel)).isPresent();
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    /**
     * Route step: sends the reply in {@link CaseHeaders#CASE_PROPERTY} on its delivery channel, call by call through
     * {@code direct:send-<channel>}. One step, so that a redelivery re-plans and re-sends the whole reply, as a
     * redelivered sender flow did; a failed call leaves the exchange with its own headers back.
     */
    public void send(Exchange exchange) throws Exception {
        plan(exchange);
        while (exchange.getProperty(CALL_PROPERTY) != null) {
            prepare(exchange);
            producer.send("direct:send-" + exchange.getProperty(VIA_PROPERTY, String.class), exchange);
            Exception failed = exchange.getException();
            if (failed != null) {
                exchange.setException(null);
                restoreHeaders(exchange);
                throw failed;
            }
            answer(exchange);
        }
    }

    /**
     * The plan of the delivery channel's sender for the outbound case in {@link CaseHeaders#CASE_PROPERTY}.
     * A channel without a running sender fails the reply; a detour re-addresses the case to the other channel.
     */
    public void plan(Exchange exchange) {
        Message message = exchange.getMessage();
        // a redelivery after a call that failed on its way: the exchange's own headers back, the plan from the start
        restoreHeaders(exchange);
        exchange.removeProperty(CALL_PROPERTY);
        exchange.removeProperty(QUEUE_PROPERTY);
        exchange.removeProperty(DETOUR_PROPERTY);
        String channel = message.getHeader(ReplyHeaders.DELIVERY_CHANNEL, String.class);
        ReplySender sender = hasSender(channel) ? senders.get(Channel.fromWire(channel)) : null;
        if (sender == null) {
            throw new UnsupportedOperationException("No outbound sender for channel " + channel + ": reply "
                    + message.getHeader(CaseHeaders.MESSAGE_ID) + " to case " + message.getHeader(CaseHeaders.CASE_ID)
                    + " cannot be delivered (no reply sender runs for it: is the channel enabled?)");
        }
        // the case as stored, also when an earlier attempt re-addressed it for a detour
        Case reply = exchange.getProperty(PLANNED_PROPERTY, Case.class);
        if (reply == null) {
            reply = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
            exchange.setProperty(PLANNED_PROPERTY, reply);
        }
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, reply);
        ReplyPlan plan = plan(sender, reply);
        if (plan instanceof ReplyPlan.Detour detour) {
            ReplySender other = sender(detour.channel()).orElseThrow(() -> new RejectedMessageException("no-detour", detour.reason()
                    + "; the reply cannot go by " + detour.channel().wireName() + " instead: no sender runs for it"));
            Case readdressed = other.address(readdressed(reply, detour), new ReplySender.Conversation(readdressed(reply, detour), null, List.of()));
            exchange.setProperty(CaseHeaders.CASE_PROPERTY, readdressed);
            exchange.setProperty(DETOUR_PROPERTY, detour);
            start(exchange, other, plan(other, readdressed));
            return;
        }
        start(exchange, sender, plan);
    }

    /** The sender's plan for {@code reply}, or its refusal when the case names nobody to send it to. */
    private static ReplyPlan plan(ReplySender sender, Case reply) {
        String recipient = sender.recipient(reply);
        if (recipient == null || recipient.isBlank()) {
            return new SendOutcome.Refused("no-recipient", "Case " + reply.caseId() + " names no " + sender.channel().wireName()
                    + " recipient to answer (reply " + reply.messageId() + ")");
        }
        return sender.plan(reply, recipient);
    }

    private void start(Exchange exchange, ReplySender sender, ReplyPlan plan) {
        exchange.setProperty(VIA_PROPERTY, sender.channel().wireName());
        if (plan instanceof ReplyPlan.Calls calls) {
            exchange.setProperty(QUEUE_PROPERTY, new ArrayDeque<>(calls.calls().subList(1, calls.calls().size())));
            exchange.setProperty(CALL_PROPERTY, calls.calls().get(0));
        } else if (plan instanceof SendOutcome.Sent sent) {
            finish(exchange, sent.platformId());
        } else if (plan instanceof ReplyPlan.Detour detour) {
            throw new IllegalStateException("A detour to " + detour.channel().wireName() + " may not detour again: " + detour.reason());
        } else {
            fail((SendOutcome) plan);
        }
    }

    /**
     * Route step before each call: the call's body and headers on the message; the exchange's own headers are kept
     * aside until the answer is read, so only what the sender chose reaches the platform.
     */
    public void prepare(Exchange exchange) {
        PlatformCall call = exchange.getProperty(CALL_PROPERTY, PlatformCall.class);
        Message message = exchange.getMessage();
        exchange.setProperty(SAVED_HEADERS_PROPERTY, new HashMap<>(message.getHeaders()));
        message.getHeaders().clear();
        message.getHeaders().putAll(call.headers());
        message.setBody(call.body());
    }

    /** Route step after each call: the sender reads the answer; the exchange gets its headers back. */
    @SuppressWarnings("unchecked")
    public void answer(Exchange exchange) {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        String text = body instanceof String || body instanceof byte[] || body instanceof InputStream ? message.getBody(String.class) : null;
        PlatformAnswer answer = new PlatformAnswer(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class), text, body);
        restoreHeaders(exchange);
        PlatformCall call = exchange.getProperty(CALL_PROPERTY, PlatformCall.class);
        ReplySender sender = senders.get(Channel.fromWire(exchange.getProperty(VIA_PROPERTY, String.class)));
        Case reply = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        SendOutcome outcome = sender.answer(reply, call, answer);
        if (outcome instanceof SendOutcome.Sent sent) {
            if (sent.platformId() != null) {
                // a reply sent in parts keeps the last part's id; the sender recorded every part's for threading
                message.setHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, sent.platformId());
            }
            Deque<PlatformCall> rest = exchange.getProperty(QUEUE_PROPERTY, Deque.class);
            PlatformCall next = rest == null ? null : rest.poll();
            if (next != null) {
                exchange.setProperty(CALL_PROPERTY, next);
            } else {
                finish(exchange, message.getHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, String.class));
            }
        } else if (outcome instanceof SendOutcome.Next next) {
            exchange.setProperty(CALL_PROPERTY, next.call());
        } else {
            fail(outcome);
        }
    }

    /** The headers the exchange had before the current call, when a call is under way. */
    @SuppressWarnings("unchecked")
    private static void restoreHeaders(Exchange exchange) {
        Map<String, Object> saved = exchange.getProperty(SAVED_HEADERS_PROPERTY, Map.class);
        if (saved != null) {
            exchange.getMessage().getHeaders().clear();
            exchange.getMessage().getHeaders().putAll(saved);
            exchange.removeProperty(SAVED_HEADERS_PROPERTY);
        }
    }

    /** A refusal is final (dead-lettered at once, reported on the case); a failure is redelivered. */
    private static void fail(SendOutcome outcome) {
        if (outcome instanceof SendOutcome.Refused refused) {
            throw new RejectedMessageException(refused.reason(), refused.detail());
        }
        throw new IllegalStateException(((SendOutcome.Failed) outcome).detail());
    }

    /** The plan is done: the platform's id for the message for {@code markSent}, and the detoured sender told. */
    private void finish(Exchange exchange, String platformId) {
        exchange.removeProperty(CALL_PROPERTY);
        exchange.removeProperty(QUEUE_PROPERTY);
        Case reply = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        ReplyPlan.Detour detour = exchange.getProperty(DETOUR_PROPERTY, ReplyPlan.Detour.class);
        String id = platformId;
        if (detour != null && id == null && reply.source() != null) {
            // a detour by email: its Message-ID is what the customer's answer threads by
            id = reply.source().externalId();
        }
        if (id != null) {
            exchange.getMessage().setHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, id);
        }
        if (detour != null) {
            senders.get(reply.channel()).detoured(reply, detour);
        }
    }

    /** The outbound case {@code value} with the detour's address as the customer's email address. */
    private static Case readdressed(Case value, ReplyPlan.Detour detour) {
        Customer known = value.customer();
        Customer customer = new Customer(known == null ? null : known.displayName(), detour.address(), known == null ? null : known.phone(),
                known == null ? null : known.handle(), known == null ? null : known.platformUserId(),
                known == null ? null : known.customerId(), known == null ? null : known.tenancyRef());
        return new Case(value.schemaVersion(), value.caseId(), value.messageId(), value.channel(), value.direction(), value.kind(),
                value.receivedAt(), value.sentAt(), customer, value.subject(), value.body(), value.attachments(), null, value.thread(),
                value.source(), value.priority(), value.category(), value.sla(), value.trust());
    }
}
