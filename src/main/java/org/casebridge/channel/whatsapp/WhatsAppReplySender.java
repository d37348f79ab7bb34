package org.casebridge.channel.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.replies.ReplyHeaders;
import org.casebridge.cases.Channel;
import org.casebridge.replies.PlatformAnswer;
import org.casebridge.replies.PlatformCall;
import org.casebridge.replies.ReplyPlan;
import org.casebridge.replies.ReplySender;
import org.casebridge.replies.SendOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The WhatsApp {@link ReplySender}: an outbound Case becomes a Cloud API {@code /messages} call (made with camel-http,
 * see {@code routes/case-replies-to-whatsapp.yaml} for why not camel-whatsapp), and the API's answer the platform's
 * message id for delivery receipts, or a refusal that no retry changes. Free text inside the customer-service window;
 * outside it the case is flagged and either the reply detours by email (fallback email, address known) or the reopen
 * template goes out and the reply fails with that reason.
 */
@Component("whatsappReplySender")
public class WhatsAppReplySender implements ReplySender {

    /** WhatsApp's limit for a text message body. */
    static final int MAX_TEXT = 4096;
    /** Graph API error code: the customer-service window has closed ("re-engagement message"). */
    static final int REENGAGEMENT_REQUIRED = 131047;

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppReplySender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WhatsAppProperties properties;
    private final CustomerServiceWindow window;
    private final Clock clock;

    public WhatsAppReplySender(WhatsAppProperties properties, CustomerServiceWindow window, Clock clock) {
        this.clock = clock;
        this.properties = properties;
        this.window = window;
    }

    /** What a call is: the reply itself, or the reopen template sent instead because the window closed ({@code closed}). */
    private record Sending(String closed) {
    }

    @Override
    public Channel channel() {
        return Channel.WHATSAPP;
    }

    @Override
    public boolean enabled() {
        return properties.isEnabled();
    }

    /**
     * The JSON message to POST from the number the customer wrote to, with the bearer token. Outside the window: a
     * detour by email, or the reopen template; without a template the reply fails here.
     */
    @Override
    public ReplyPlan plan(Case value, String to) {
        String phoneNumberId = phoneNumberId(value);

        Optional<String> closed = window.closedReason(value.caseId(), clock.instant());
        if (closed.isPresent()) {
            String reason = closed.get();
            window.flag(value.caseId(), reason);
            if (properties.getFallback() == WhatsAppProperties.Fallback.EMAIL) {
                Optional<String> email = window.knownEmail(value.caseId(), value.customer() == null ? null : value.customer().phone());
                if (email.isPresent()) {
                    return new ReplyPlan.Detour(Channel.EMAIL, email.get(), reason);
                }
            }
            WhatsAppProperties.Template template = properties.getReopenTemplate();
            if (template.getName() == null || template.getName().isBlank()) {
                return new SendOutcome.Refused(CustomerServiceWindow.FLAG, reason
                        + "; no reopen template is configured (casebridge.channels.whatsapp.reopen-template.name), so the customer was not told");
            }
            return ReplyPlan.Calls.of(toGraphApi(phoneNumberId, template(to, value.caseId(), template), new Sending(reason)));
        }
        String text = value.body() == null || value.body().text() == null ? "" : value.body().text();
        if (text.isBlank()) {
            return new SendOutcome.Refused("empty-reply", "A WhatsApp reply needs text; reply " + value.messageId() + " has none");
        }
        if (text.length() > MAX_TEXT) {
            return new SendOutcome.Refused("reply-too-long", "WhatsApp takes at most " + MAX_TEXT + " characters in a message; reply "
                    + value.messageId() + " has " + text.length());
        }
        ObjectNode request = envelope(to, "text");
        request.putObject("text").put("preview_url", false).put("body", text);
        return ReplyPlan.Calls.of(toGraphApi(phoneNumberId, request, new Sending(null)));
    }

    /** The call's body and the only headers it carries to the Graph API (WhatsAppConfiguration's filter drops the rest). */
    private PlatformCall toGraphApi(String phoneNumberId, ObjectNode request, Sending sending) {
        return new PlatformCall(json(request), Map.of(WhatsAppHeaders.PHONE_NUMBER_ID, phoneNumberId,
                "Authorization", "Bearer " + properties.getAccessToken(), Exchange.CONTENT_TYPE, "application/json; charset=UTF-8",
                Exchange.HTTP_METHOD, "POST"), sending);
    }

    /**
     * The API's id for the message. When the template went out instead of the reply, the reply fails with the
     * window's reason (the template's id in it), so the case shows the reply as not delivered and the back office can
     * send it once the customer writes. A refusal that cannot succeed on a retry (4xx other than 408 and 429: bad
     * recipient, closed window, unapproved template, bad token) is refused with the API's words; 5xx and 429 are
     * redelivered.
     */
    @Override
    public SendOutcome answer(Case value, PlatformCall call, PlatformAnswer answer) {
        int status = answer.status();
        String body = answer.text() == null ? "" : answer.text();
        if (status / 100 != 2) {
            return refused(value, status, body);
        }
        JsonNode response = readJson(body);
        String platformId = response.path("messages").path(0).path("id").asText(null);
        String closed = ((Sending) call.context()).closed();
        if (closed != null) {
            String detail = closed + "; sent the template '" + properties.getReopenTemplate().getName() + "' inviting the customer to write back"
                    + (platformId == null ? "" : " (" + platformId + ")") + ". Send the reply again once they do.";
            window.flag(value.caseId(), detail);
            return new SendOutcome.Refused(CustomerServiceWindow.FLAG, detail);
        }
        if (platformId == null) {
            // sent, but nothing to match receipts with: not worth sending it twice
            LOG.warn("WhatsApp took reply {} to case {} but answered no message id", value.messageId(), value.caseId());
        }
        window.clear(value.caseId());
        return new SendOutcome.Sent(platformId);
    }

    /** The reply went by email instead: the case keeps the flag, saying where the reply went. */
    @Override
    public void detoured(Case value, ReplyPlan.Detour detour) {
        window.flag(value.caseId(), detour.reason() + "; the reply was sent by " + detour.channel().wireName() + " to "
                + detour.address() + " instead");
    }

    private SendOutcome refused(Case value, int status, String body) {
        if (status < 400 || status >= 500 || status == 408 || status == 429) {
            return new SendOutcome.Failed("WhatsApp answered HTTP " + status + ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
        }
        JsonNode error = readJson(body).path("error");
        int code = error.path("code").asInt(0);
        String details = error.path("error_data").path("details").asText("");
        String detail = "WhatsApp refused the message (HTTP " + status + (code == 0 ? "" : ", error " + code) + "): "
                + error.path("message").asText(body.isBlank() ? "HTTP " + status : body.strip())
                + (details.isBlank() ? "" : " - " + details);
        if (code == REENGAGEMENT_REQUIRED) {
            // WhatsApp's clock says the window closed, whatever our copy of the conversation says
            window.flag(value.caseId(), "Not sent: outside the 24-hour window (WhatsApp error " + code + "). " + detail);
            return new SendOutcome.Refused(CustomerServiceWindow.FLAG, detail);
        }
        return new SendOutcome.Refused("whatsapp-refused", detail);
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
    @Override
    public String recipient(Case value) {
        String id = value.customer() == null ? null : value.customer().platformUserId();
        if (id == null && value.customer() != null && value.customer().phone() != null) {
            id = value.customer().phone().replaceAll("[^0-9]", "");
        }
        return id;
    }
}
