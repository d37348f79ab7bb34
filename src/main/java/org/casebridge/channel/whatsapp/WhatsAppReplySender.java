package org.casebridge.channel.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.replies.EmailDetour;
import org.casebridge.replies.ReplyHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Optional;

/**
 * Translator from an outbound Case to a WhatsApp Cloud API {@code /messages} call (made with camel-http, see
 * {@code routes/case-replies-to-whatsapp.yaml} for why not camel-whatsapp), and back from the API's answer:
 * free text inside the customer-service window; outside it the case is flagged and either the reply detours by email
 * (fallback email, address known) or the reopen template goes out and the reply fails with that reason; the platform's message id for delivery receipts, and refusals the API will never accept
 * turned into rejections rather than retries.
 */
@Component("whatsappReplySender")
public class WhatsAppReplySender {

    /** WhatsApp's limit for a text message body. */
    static final int MAX_TEXT = 4096;
    /** Graph API error code: the customer-service window has closed ("re-engagement message"). */
    static final int REENGAGEMENT_REQUIRED = 131047;

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppReplySender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WhatsAppProperties properties;
    private final CustomerServiceWindow window;

    public WhatsAppReplySender(WhatsAppProperties properties, CustomerServiceWindow window) {
        this.properties = properties;
        this.window = window;
    }

    /**
     * Route step: the outbound case ({@link CaseHeaders#CASE_PROPERTY}) becomes the JSON message to POST, with the
     * bearer token, and header {@link WhatsAppHeaders#PHONE_NUMBER_ID} the number it goes out from. Outside the window the body is the
     * reopen template and {@link WhatsAppHeaders#WINDOW_CLOSED} says why; without a template the reply fails here.
     */
    public void compose(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        Message message = exchange.getMessage();
        String phoneNumberId = phoneNumberId(value);
        String to = recipient(value);

        Optional<String> closed = window.closedReason(value.caseId(), Instant.now());
        if (closed.isPresent()) {
            String reason = closed.get();
            window.flag(value.caseId(), reason);
            if (properties.getFallback() == WhatsAppProperties.Fallback.EMAIL) {
                Optional<String> email = window.knownEmail(value.caseId(), value.customer() == null ? null : value.customer().phone());
                if (email.isPresent()) {
                    exchange.setProperty(EmailDetour.ADDRESS_PROPERTY, email.get());
                    exchange.setProperty(WhatsAppHeaders.WINDOW_CLOSED, reason);
                    return;
                }
            }
            WhatsAppProperties.Template template = properties.getReopenTemplate();
            if (template.getName() == null || template.getName().isBlank()) {
                throw new RejectedMessageException(CustomerServiceWindow.FLAG, reason
                        + "; no reopen template is configured (casebridge.channels.whatsapp.reopen-template.name), so the customer was not told");
            }
            exchange.setProperty(WhatsAppHeaders.WINDOW_CLOSED, reason);
            toGraphApi(message, phoneNumberId, template(to, value.caseId(), template));
            return;
        }
        String text = value.body() == null || value.body().text() == null ? "" : value.body().text();
        if (text.isBlank()) {
            throw new RejectedMessageException("empty-reply", "A WhatsApp reply needs text; reply " + value.messageId() + " has none");
        }
        if (text.length() > MAX_TEXT) {
            throw new RejectedMessageException("reply-too-long", "WhatsApp takes at most " + MAX_TEXT + " characters in a message; reply "
                    + value.messageId() + " has " + text.length());
        }
        ObjectNode request = envelope(to, "text");
        request.putObject("text").put("preview_url", false).put("body", text);
        toGraphApi(message, phoneNumberId, request);
    }

    /** The call's body and the only headers it carries to the Graph API (WhatsAppConfiguration's filter drops the rest). */
    private void toGraphApi(Message message, String phoneNumberId, ObjectNode request) {
        // no CamelHttp* header of an earlier hop may redirect the call (the endpoint URI says where it goes)
        message.removeHeaders("CamelHttp*");
        message.setHeader(WhatsAppHeaders.PHONE_NUMBER_ID, phoneNumberId);
        message.setHeader("Authorization", "Bearer " + properties.getAccessToken());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setBody(json(request));
    }

    /**
     * Route step after the call: the API's id for the message (header {@link ReplyHeaders#PLATFORM_MESSAGE_ID}).
     * When the template went out instead of the reply, the reply fails with the window's reason (the template's id in
     * it), so the case shows the reply as not delivered and the back office can send it once the customer writes.
     */
    public void sent(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        exchange.getMessage().removeHeader("Authorization");
        JsonNode response = readJson(exchange.getMessage().getBody(String.class));
        String platformId = response.path("messages").path(0).path("id").asText(null);
        String closed = exchange.getProperty(WhatsAppHeaders.WINDOW_CLOSED, String.class);
        if (closed != null) {
            String detail = closed + "; sent the template '" + properties.getReopenTemplate().getName() + "' inviting the customer to write back"
                    + (platformId == null ? "" : " (" + platformId + ")") + ". Send the reply again once they do.";
            window.flag(value.caseId(), detail);
            throw new RejectedMessageException(CustomerServiceWindow.FLAG, detail);
        }
        if (platformId == null) {
            // sent, but nothing to match receipts with: not worth sending it twice
            LOG.warn("WhatsApp took reply {} to case {} but answered no message id", value.messageId(), value.caseId());
        } else {
            exchange.getMessage().setHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, platformId);
        }
        window.clear(value.caseId());
    }

    /** Route step after the reply went by email instead: the case keeps the flag, saying where the reply went. */
    public void detoured(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        window.flag(value.caseId(), exchange.getProperty(WhatsAppHeaders.WINDOW_CLOSED, String.class)
                + "; the reply was sent by email to " + exchange.getProperty(EmailDetour.ADDRESS_PROPERTY, String.class) + " instead");
    }

    /**
     * Route step when the API refused the call: a refusal that cannot succeed on a retry (4xx other than 408 and 429:
     * bad recipient, closed window, unapproved template, bad token) becomes a {@link RejectedMessageException} with
     * the API's words; anything else (5xx, 429, no answer) is raised again to be redelivered.
     */
    public void failed(Exchange exchange) throws Exception {
        exchange.getMessage().removeHeader("Authorization");
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (!(caught instanceof HttpOperationFailedException refused)) {
            throw caught == null ? new IllegalStateException("WhatsApp send failed without an exception") : caught;
        }
        int status = refused.getStatusCode();
        if (status < 400 || status >= 500 || status == 408 || status == 429) {
            throw caught;
        }
        String body = refused.getResponseBody() == null ? "" : refused.getResponseBody();
        JsonNode error = readJson(body).path("error");
        int code = error.path("code").asInt(0);
        String details = error.path("error_data").path("details").asText("");
        String detail = "WhatsApp refused the message (HTTP " + status + (code == 0 ? "" : ", error " + code) + "): "
                + error.path("message").asText(body.isBlank() ? refused.getStatusText() : body.strip())
                + (details.isBlank() ? "" : " - " + details);
        if (code == REENGAGEMENT_REQUIRED && value != null) {
            // WhatsApp's clock says the window closed, whatever our copy of the conversation says
            window.flag(value.caseId(), "Not sent: outside the 24-hour window (WhatsApp error " + code + "). " + detail);
            throw new RejectedMessageException(CustomerServiceWindow.FLAG, detail, caught);
        }
        throw new RejectedMessageException("whatsapp-refused", detail, caught);
    }

    private static JsonNode readJson(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    /** The fields of every Cloud API message: product, recipient and type. */
    private static ObjectNode envelope(String to, String type) {
        ObjectNode request = JSON.createObjectNode();
        request.put("messaging_product", "whatsapp");
        request.put("recipient_type", "individual");
        request.put("to", to);
        request.put("type", type);
        return request;
    }

    /** The reopen template, with the case reference as its one body parameter when configured so. */
    static ObjectNode template(String to, String caseId, WhatsAppProperties.Template settings) {
        ObjectNode request = envelope(to, "template");
        ObjectNode template = request.putObject("template");
        template.put("name", settings.getName());
        template.putObject("language").put("code", settings.getLanguage());
        if (settings.isCaseReferenceParameter()) {
            ObjectNode body = template.putArray("components").addObject();
            body.put("type", "body");
            body.putArray("parameters").addObject().put("type", "text").put("text", caseId);
        }
        return request;
    }

    private static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The business number the customer wrote to: {@code source.system} is {@code whatsapp:<phone number id>}. */
    static String phoneNumberId(Case value) {
        String system = value.source() == null ? null : value.source().system();
        if (system == null || !system.startsWith("whatsapp:") || system.length() == "whatsapp:".length()
                || !system.substring("whatsapp:".length()).matches("[A-Za-z0-9_-]+")) {
            throw new RejectedMessageException("no-whatsapp-account", "Reply " + value.messageId() + " to case " + value.caseId()
                    + " names no WhatsApp business number to send from (source.system '" + system + "')");
        }
        return system.substring("whatsapp:".length());
    }

    /** The customer's WhatsApp id (wa_id), or their number in digits. */
    static String recipient(Case value) {
        String id = value.customer() == null ? null : value.customer().platformUserId();
        if (id == null && value.customer() != null && value.customer().phone() != null) {
            id = value.customer().phone().replaceAll("[^0-9]", "");
        }
        if (id == null || id.isBlank()) {
            throw new RejectedMessageException("no-recipient", "Case " + value.caseId() + " has no WhatsApp id or phone number to answer");
        }
        return id;
    }
}
