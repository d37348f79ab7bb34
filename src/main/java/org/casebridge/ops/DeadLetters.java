package org.casebridge.ops;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.MessageInFlightException;
import org.casebridge.shared.Problem;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.cases.RejectionStore;
import org.casebridge.store.RawArchive;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * The dead letter channel's helper: names the dead-letter queue ({@code <queue>.dlq} for a message from a queue,
 * {@code casebridge.<route id>.dlq} otherwise) and records why the message failed in {@code CasebridgeFailure*} headers.
 */
@Component("deadLetters")
public class DeadLetters {

    private static final int MAX_REASON = 2000;

    private final RejectionStore rejections;
    private final RawArchive rawArchive;
    private final Clock clock;

    public DeadLetters(RejectionStore rejections, RawArchive rawArchive, Clock clock) {
        this.clock = clock;
        this.rejections = rejections;
        this.rawArchive = rawArchive;
    }

    /**
     * Route step for a {@link RejectedMessageException} (no sender waiting): keeps the original bytes in the raw
     * archive, records the rejection with its reason, and prepares the message for its dead-letter queue.
     */
    public void rejected(Exchange exchange) {
        prepare(exchange);
        Message message = exchange.getMessage();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String slug = cause instanceof RejectedMessageException r ? r.slug() : "rejected";
        byte[] original = message.getBody(byte[].class);
        String rawRef = message.getHeader(CaseHeaders.RAW_REF, String.class);
        if (rawRef == null && original != null) {
            rawRef = rawArchive.put(original).ref();
            message.setHeader(CaseHeaders.RAW_REF, rawRef);
        }
        String channel = message.getHeader(CaseHeaders.CHANNEL, String.class);
        String source = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        String id = rejections.record(channel == null ? "unknown" : channel, source == null ? exchange.getFromRouteId() : source, 422,
                Problem.typeUri(slug), message.getHeader(CaseHeaders.FAILURE_REASON, String.class), rawRef);
        message.setHeader(CaseHeaders.REJECTION_ID, id);
        message.setHeader(CaseHeaders.REJECTION_TYPE, Problem.typeUri(slug));
    }

    /** Whether the failed exchange is an HTTP request whose sender is still waiting for an answer. */
    public boolean isHttpRequest(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof PlatformHttpEndpoint;
    }

    /** Whether the failure is only that another request or instance is publishing the same message right now. */
    public boolean isInFlight(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class) instanceof MessageInFlightException;
    }

    /**
     * Whether the failed message is better left at its source than dead-lettered: another instance is publishing it
     * right now, or it is a mail that met an outage (database, broker, disk) and still failed after all its
     * redeliveries; the mail then stays unread in its mailbox and is read again after the mailbox's back-off, for as
     * long as the outage lasts. Only bad data and failures of unknown kind make a dead letter of a mail.
     */
    public boolean leavesAtSource(Exchange exchange) {
        if (isInFlight(exchange)) {
            return true;
        }
        Endpoint from = exchange.getFromEndpoint();
        return from != null && from.getEndpointUri().startsWith("mailbox:")
                && FailureClassifier.classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)) == FailureClassifier.Kind.OUTAGE;
    }

    /**
     * Route step: hands the failure back to the consumer, which leaves the message at its source to be read again
     * (the dead letter channel lets a new exception through: {@code deadLetterHandleNewException: false}).
     */
    public void rethrow(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw caught instanceof RuntimeException runtime ? runtime : new IllegalStateException(caught);
    }

    /** Route step: sets the failure headers and {@link CaseHeaders#DEAD_LETTER_QUEUE}. */
    public void prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = cause == null ? "unknown" : cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        // failure reasons quote what failed, which can be a customer's address or number: masked like the logs
        String masked = PersonalData.mask(reason);
        message.setHeader(CaseHeaders.FAILURE_REASON, masked.length() > MAX_REASON ? masked.substring(0, MAX_REASON) : masked);
        message.setHeader(CaseHeaders.FAILURE_EXCEPTION, cause == null ? null : cause.getClass().getName());
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, exchange.getFromRouteId(), String.class);
        message.setHeader(CaseHeaders.FAILURE_ROUTE_ID, routeId);
        Endpoint from = exchange.getFromEndpoint();
        message.setHeader(CaseHeaders.FAILURE_ENDPOINT, from == null ? null : from.getEndpointUri());
        message.setHeader(CaseHeaders.FAILED_AT, clock.instant().toString());
        message.setHeader(CaseHeaders.REDELIVERIES, message.getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class));
        message.setHeader(CaseHeaders.DEAD_LETTER_QUEUE, deadLetterQueue(from, exchange.getFromRouteId(), message.getHeader("JMSDestination")));
    }

    static String deadLetterQueue(Endpoint from, String routeId) {
        return deadLetterQueue(from, routeId, null);
    }

    /**
     * {@code <queue>.dlq} of the queue the message was read from: the consumer's endpoint, or, when a route template
     * (kamelet) took over the exchange, the JMS destination of the original message (restored by useOriginalMessage).
     */
    static String deadLetterQueue(Endpoint from, String routeId, Object jmsDestination) {
        if (from instanceof JmsEndpoint jms && !jms.isPubSubDomain()) {
            return jms.getDestinationName() + ".dlq";
        }
        if (jmsDestination instanceof jakarta.jms.Queue queue) {
            try {
                return queue.getQueueName() + ".dlq";
            } catch (jakarta.jms.JMSException e) {
                // fall through to the route's own dead-letter queue
            }
        }
        return "casebridge." + routeId + ".dlq";
    }
}
