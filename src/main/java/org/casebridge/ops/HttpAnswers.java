package org.casebridge.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.RejectionStore;
import org.casebridge.shared.Problem;
import org.casebridge.shared.RejectedRequestException;
import org.casebridge.store.RawArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the answers of casebridge's HTTP routes: {@code 202 Accepted} for a case, RFC 9457 problem details for
 * everything refused. Request headers are never echoed back: each answer starts from an empty header set.
 */
@Component("httpAnswers")
public class HttpAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswers.class);

    private final ObjectMapper mapper;
    private final RejectionStore rejections;
    private final RawArchive rawArchive;

    public HttpAnswers(ObjectMapper mapper, RejectionStore rejections, RawArchive rawArchive) {
        this.mapper = mapper;
        this.rejections = rejections;
        this.rawArchive = rawArchive;
    }

    /** {@code 202 Accepted} with the case id: the case is stored and durably on the broker. */
    public void accepted(Exchange exchange) {
        Message message = exchange.getMessage();
        String caseId = message.getHeader(CaseHeaders.CASE_ID, String.class);
        String messageId = message.getHeader(CaseHeaders.MESSAGE_ID, String.class);
        boolean repeated = Boolean.TRUE.equals(message.getHeader(CaseHeaders.ALREADY_PUBLISHED, Boolean.class));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("caseId", caseId);
        body.put("messageId", messageId);
        body.put("status", "accepted");
        body.put("repeated", repeated);
        body.put("links", Map.of("case", "/api/v1/cases/" + caseId));
        answer(message, 202, "application/json", body);
        message.setHeader("Location", "/api/v1/cases/" + caseId);
    }

    /** {@code 200 OK} with the message body serialised as JSON. */
    public void ok(Exchange exchange) {
        answer(exchange.getMessage(), 200, "application/json", exchange.getMessage().getBody());
    }

    /**
     * Answers the {@link RejectedRequestException} that stopped the route with its problem detail and records the
     * rejection with the archived original.
     */
    public void rejected(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RejectedRequestException rejection = caught instanceof RejectedRequestException r ? r
                : new RejectedRequestException(400, "bad-request", "Bad request", String.valueOf(caught));
        problem(exchange, rejection);
    }

    /** {@code 503}: the broker did not take the case, so nothing was accepted; the client should retry. */
    public void brokerUnavailable(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("Broker unavailable, answering 503: {}", caught == null ? "unknown" : caught.getMessage());
        problem(exchange, new RejectedRequestException(503, "broker-unavailable", "Message broker unavailable",
                "The message could not be stored durably on the broker, so it was not accepted. Retry later with the same Idempotency-Key.",
                java.util.List.of(), Map.of("Retry-After", "5")));
    }

    /** {@code 409}: the same request is being processed right now; retry shortly with the same Idempotency-Key. */
    public void inFlight(Exchange exchange) {
        problem(exchange, new RejectedRequestException(409, "request-in-progress", "Request in progress",
                "A request with this Idempotency-Key is being processed right now; retry in a moment to get its result.",
                java.util.List.of(), Map.of("Retry-After", "1")));
    }

    /** {@code 500}: an unexpected failure after redelivery; nothing was accepted. */
    public void failed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.error("Request failed in route {}", exchange.getFromRouteId(), caught);
        // the dead letter channel restored the original request: keep its bytes with the rejection record
        byte[] original = exchange.getMessage().getBody(byte[].class);
        if (original != null && exchange.getMessage().getHeader(CaseHeaders.RAW_REF) == null) {
            try {
                exchange.getMessage().setHeader(CaseHeaders.RAW_REF, rawArchive.put(original).ref());
            } catch (RuntimeException e) {
                LOG.error("Cannot archive the failed request: {}", e.getMessage());
            }
        }
        problem(exchange, new RejectedRequestException(500, "internal-error", "Internal error",
                "The message was not accepted because of an internal error (" + (caught == null ? "unknown" : caught.getClass().getSimpleName())
                        + "). It has been recorded; retry later with the same Idempotency-Key."));
    }

    void problem(Exchange exchange, RejectedRequestException rejection) {
        Message message = exchange.getMessage();
        String instance = message.getHeader(Exchange.HTTP_URI, String.class);
        String rawRef = message.getHeader(CaseHeaders.RAW_REF, String.class);
        String clientId = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        try {
            rejections.record(message.getHeader(CaseHeaders.CHANNEL, "webform", String.class), clientId == null ? "api:unknown" : "api:" + clientId, rejection.status(),
                    Problem.typeUri(rejection.slug()), rejection.getMessage(), rawRef);
        } catch (RuntimeException e) {
            LOG.error("Cannot record rejection ({}): {}", rejection.slug(), e.getMessage());
        }
        if (rejection.status() < 500) {
            LOG.info("Refused {} from {}: {} {} ({})", instance, clientId == null ? "an unknown client" : clientId,
                    rejection.status(), rejection.slug(), rejection.getMessage());
        }
        answer(message, rejection.status(), Problem.MEDIA_TYPE, rejection.toProblem(instance));
        rejection.responseHeaders().forEach(message::setHeader);
    }

    private void answer(Message message, int status, String contentType, Object body) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        try {
            message.setBody(body instanceof String s ? s : mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write answer", e);
        }
    }

}
