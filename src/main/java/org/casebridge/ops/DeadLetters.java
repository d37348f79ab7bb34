package org.casebridge.ops;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.casebridge.cases.CaseHeaders;
import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * The dead letter channel's helper: names the dead-letter queue ({@code <queue>.dlq} for a message from a queue,
 * {@code casebridge.<route id>.dlq} otherwise) and records why the message failed in {@code CasebridgeFailure*} headers.
 */
@Component("deadLetters")
public class DeadLetters {

    private static final int MAX_REASON = 2000;

    /** Whether the failed exchange is an HTTP request whose sender is still waiting for an answer. */
    public boolean isHttpRequest(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof PlatformHttpEndpoint;
    }

    /** Route step: sets the failure headers and {@link CaseHeaders#DEAD_LETTER_QUEUE}. */
    public void prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = cause == null ? "unknown" : cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        message.setHeader(CaseHeaders.FAILURE_REASON, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
        message.setHeader(CaseHeaders.FAILURE_EXCEPTION, cause == null ? null : cause.getClass().getName());
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, exchange.getFromRouteId(), String.class);
        message.setHeader(CaseHeaders.FAILURE_ROUTE_ID, routeId);
        Endpoint from = exchange.getFromEndpoint();
        message.setHeader(CaseHeaders.FAILURE_ENDPOINT, from == null ? null : from.getEndpointUri());
        message.setHeader(CaseHeaders.FAILED_AT, Instant.now().toString());
        message.setHeader(CaseHeaders.REDELIVERIES, message.getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class));
        message.setHeader(CaseHeaders.DEAD_LETTER_QUEUE, deadLetterQueue(from, exchange.getFromRouteId()));
    }

    static String deadLetterQueue(Endpoint from, String routeId) {
        if (from instanceof JmsEndpoint jms && !jms.isPubSubDomain()) {
            return jms.getDestinationName() + ".dlq";
        }
        return "casebridge." + routeId + ".dlq";
    }
}
