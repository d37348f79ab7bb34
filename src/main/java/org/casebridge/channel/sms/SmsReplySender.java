package org.casebridge.channel.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.replies.ReplyHeaders;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Translator from an outbound SMS Case to a call of Twilio's Messages API ({@code routes/case-replies-to-sms.yaml}),
 * and from Twilio's answer to the message's sid, or to the reason it can never be sent.
 */
@Component("smsReplySender")
public class SmsReplySender {

    private final SmsProperties properties;
    private final ObjectMapper mapper;

    public SmsReplySender(SmsProperties properties, ObjectMapper mapper) {
        this.properties = properties;
        this.mapper = mapper;
    }

    /**
     * Route step: the form POST for the outbound Case in {@link CaseHeaders#CASE_PROPERTY}. A reply that cannot be an
     * SMS (no number, too long, empty) is refused here, before Twilio is called.
     */
    public void compose(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (properties.getAccountSid().isEmpty() || properties.getAuthToken().isEmpty()) {
            throw new IllegalStateException("casebridge.channels.sms.account-sid and auth-token must be set to send SMS");
        }
        String to = value.customer() == null ? null
                : value.customer().platformUserId() != null ? value.customer().platformUserId() : value.customer().phone();
        if (to == null || to.isBlank()) {
            throw new RejectedMessageException("no-recipient", "Case " + value.caseId() + " has no phone number to text");
        }
        String text = value.body() == null || value.body().text() == null ? "" : value.body().text().strip();
        if (text.isEmpty()) {
            throw new RejectedMessageException("empty-reply", "Reply " + value.messageId() + " to case " + value.caseId()
                    + " has no text; an SMS reply needs text");
        }
        if (text.length() > properties.getMaxReplyLength()) {
            // one reply is one message with one sid and one delivery status; a split reply could arrive half
            throw new RejectedMessageException("reply-too-long", "Reply " + value.messageId() + " to case " + value.caseId() + " is "
                    + text.length() + " characters; an SMS reply may have at most " + properties.getMaxReplyLength()
                    + " (Twilio's limit). Shorten it, or answer by email.");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", to);
        if (!properties.getMessagingServiceSid().isEmpty()) {
            form.put("MessagingServiceSid", properties.getMessagingServiceSid());
        } else {
            String from = account(value);
            if (from == null) {
                throw new RejectedMessageException("no-sender", "Case " + value.caseId() + " does not say which Twilio number the customer"
                        + " texted (source.system " + (value.source() == null ? null : value.source().system())
                        + "), and no casebridge.channels.sms.messaging-service-sid is set");
            }
            form.put("From", from);
        }
        form.put("Body", text);
        String statusCallback = statusCallbackUrl();
        if (statusCallback != null) {
            form.put("StatusCallback", statusCallback);
        }
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8");
        message.setHeader("Authorization", SmsPlatform.basicAuth(properties.getAccountSid(), properties.getAuthToken()));
        message.setHeader("Accept", "application/json");
        message.removeHeaders("CamelHttp(Uri|Path|Query|Url)");
        message.setBody(encode(form));
    }

    /**
     * Route step after Twilio answered: its sid for the message into {@link ReplyHeaders#PLATFORM_MESSAGE_ID}. A 400
     * (invalid number, opted out, ...) can never succeed: {@link RejectedMessageException}, reported on the case at
     * once. Anything else (401 while the token is being fixed, 429, 5xx) fails and is redelivered.
     */
    public void sent(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = message.getBody(String.class);
        JsonNode answer = body == null || body.isBlank() ? mapper.createObjectNode() : readQuietly(body);
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        message.removeHeader("Authorization");
        if (status / 100 == 2) {
            String sid = answer.path("sid").asText(null);
            if (sid == null || sid.isBlank()) {
                throw new IllegalStateException("Twilio answered HTTP " + status + " without a message sid: " + abbreviate(body));
            }
            message.setHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, sid);
            return;
        }
        String code = answer.path("code").asText("");
        String reason = "Twilio answered HTTP " + status + (code.isEmpty() ? "" : ", error " + code) + ": "
                + answer.path("message").asText(abbreviate(body));
        if (status == 400) {
            throw new RejectedMessageException("sms-refused", "Reply " + (value == null ? "" : value.messageId())
                    + " refused by Twilio, not retried. " + reason);
        }
        throw new IllegalStateException(reason);
    }

    /** Where Twilio reports the delivery of what the bridge sends: the public webhook URL + {@code /status}. */
    String statusCallbackUrl() {
        String base = properties.getPublicUrl();
        if (base.isEmpty()) {
            // the bridge cannot know the URL Twilio reaches it by: without one, no receipts are asked for
            return null;
        }
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + SmsPlatform.STATUS_SUFFIX;
    }

    /** Our number the customer texted: the case's {@code source.system} is {@code sms:<number>}. */
    static String account(Case value) {
        String system = value.source() == null ? null : value.source().system();
        if (system == null || !system.startsWith("sms:")) {
            return null;
        }
        String account = system.substring(4);
        return account.isBlank() || account.equals("default") ? null : account;
    }

    private JsonNode readQuietly(String body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
