package org.casebridge.replies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.Channel;
import org.casebridge.ops.ApiClients;
import org.casebridge.shared.RejectedRequestException;
import org.casebridge.store.BlobStore;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API side of replies, {@code POST /api/v1/cases/{caseId}/replies}: checks who may reply and what, and puts the
 * reply on the wire for {@code casebridge.replies}; then answers {@code 202} with the reply id.
 * <p>
 * Only clients with {@code trusted-identity: true} may reply: a reply speaks for the organisation, and a public web
 * form's key must not be able to write to any customer. Such a client may reply to every case, not only those it
 * opened: the back office reads all cases from the queue.
 */
@Component("replyIntake")
public class ReplyIntake {

    private final ApiClients clients;
    private final ReplyReader reader;
    private final OutboundMessages outbound;
    private final ObjectMapper mapper;

    ReplyIntake(ApiClients clients, ReplyReader reader, OutboundMessages outbound, ObjectMapper mapper) {
        this.clients = clients;
        this.reader = reader;
        this.outbound = outbound;
        this.mapper = mapper;
    }

    /**
     * Route step: checks the request (client, media type, case, body, Idempotency-Key) and makes the message to
     * publish: the reply JSON, with only the reply's own headers. A request repeating an earlier one (same key, same
     * body) gets the earlier reply id; it is published again only while the reply flow has not picked it up, because
     * an earlier attempt may have died before the broker had it.
     */
    public void accept(Exchange exchange) {
        Message message = exchange.getMessage();
        String clientId = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        ApiClients.ApiClient client = clients.byId(clientId)
                .orElseThrow(() -> new RejectedRequestException(401, "unauthorized", "Unknown API client", "The request carries no valid API key."));
        if (!client.trustedIdentity()) {
            throw new RejectedRequestException(403, "forbidden", "Not allowed to reply",
                    "Client '" + client.id() + "' may not reply to customers: only clients with trusted-identity may.");
        }
        requireJson(message.getHeader(Exchange.CONTENT_TYPE, String.class));
        String requested = message.getHeader("caseId", String.class);
        String caseId = requested == null ? null : requested.strip().toUpperCase(Locale.ROOT);
        Optional<Channel> found = CaseIds.isCaseId(caseId) ? outbound.caseChannel(caseId) : Optional.empty();
        Channel channel = found.orElseThrow(() -> new RejectedRequestException(404, "case-not-found", "Case not found", "No case '" + requested + "' to reply to."));
        message.setHeader(CaseHeaders.CHANNEL, channel.wireName());
        String key = idempotencyKey(message);
        byte[] raw = message.getBody(byte[].class);
        ReplyRequest request = reader.readRequest(raw);

        String newReplyId = CaseIds.newMessageId();
        OutboundMessages.ClaimedKey claimed = key == null ? new OutboundMessages.ClaimedKey(newReplyId, false)
                : outbound.claimIdempotencyKey(clientId, key, requestHash(caseId, raw), caseId, newReplyId);
        String replyId = claimed.replyId();
        String status = claimed.repeated() ? outbound.deliveryStatus(replyId).orElse(null) : null;
        exchange.setProperty(ReplyHeaders.REPEATED_PROPERTY, claimed.repeated());
        exchange.setProperty(ReplyHeaders.ALREADY_PUBLISHED_PROPERTY, status != null);
        exchange.setProperty(ReplyHeaders.STATUS_PROPERTY, status == null ? OutboundMessages.QUEUED : status);

        Reply reply = request.toReply(caseId, replyId);
        Map<String, Object> headers = message.getHeaders();
        headers.clear();
        headers.put(CaseHeaders.CASE_ID, caseId);
        headers.put(ReplyHeaders.REPLY_ID, replyId);
        headers.put(CaseHeaders.CHANNEL, channel.wireName());
        headers.put(CaseHeaders.KIND, reply.kindOrDefault());
        headers.put(CaseHeaders.CLIENT_ID, clientId);
        headers.put("JMSCorrelationID", caseId);
        headers.put(CaseHeaders.GROUP_ID, caseId);
        headers.put("JMSType", ReplyHeaders.JMS_TYPE);
        try {
            message.setBody(mapper.writeValueAsString(reply));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the reply as JSON", e);
        }
    }

    /** Route step: {@code 202 Accepted} with the case id, the reply id and where the reply is (queued, sent, failed). */
    public void queued(Exchange exchange) {
        Message message = exchange.getMessage();
        String caseId = message.getHeader(CaseHeaders.CASE_ID, String.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("caseId", caseId);
        body.put("replyId", message.getHeader(ReplyHeaders.REPLY_ID, String.class));
        body.put("status", exchange.getProperty(ReplyHeaders.STATUS_PROPERTY, String.class));
        body.put("repeated", exchange.getProperty(ReplyHeaders.REPEATED_PROPERTY, false, Boolean.class));
        body.put("links", Map.of("case", "/api/v1/cases/" + caseId));
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            message.setBody(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write answer", e);
        }
    }

    private static String idempotencyKey(Message message) {
        String key = message.getHeader("Idempotency-Key", String.class);
        if (key == null) {
            return null;
        }
        key = key.strip();
        if (key.isEmpty() || key.length() > 255) {
            throw new RejectedRequestException(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                    "The Idempotency-Key header must be 1 to 255 characters long.");
        }
        return key;
    }

    /** The same key with the same body for another case is another request: the case is part of what is hashed. */
    private static String requestHash(String caseId, byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((caseId + "\n").getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(raw);
        return BlobStore.sha256Hex(bytes.toByteArray());
    }

    private static void requireJson(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            throw new RejectedRequestException(415, "unsupported-media-type", "Unsupported media type",
                    "Send the reply as application/json; got " + (contentType == null ? "no Content-Type" : "'" + contentType + "'") + ".");
        }
    }
}
