package org.casebridge.channel.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SMS {@link ReplySender}: an outbound Case becomes one call of Twilio's Messages API
 * ({@code routes/case-replies-to-sms.yaml}), and Twilio's answer the message's sid, or the reason it can never be sent.
 */
@Component("smsReplySender")
public class SmsReplySender implements ReplySender {

    private final SmsProperties properties;
    private final ObjectMapper mapper;

    public SmsReplySender(SmsProperties properties, ObjectMapper mapper) {
        this.properties = properties;
        this.mapper = mapper;
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public boolean enabled() {
        return properties.isEnabled();
    }

    /** The customer's number. */
    @Override
    public String recipient(Case value) {
        return value.customer() == null ? null
                : value.customer().platformUserId() != null ? value.customer().platformUserId() : value.customer().phone();
    }

    /** The form POST for the reply. A reply that cannot be an SMS (no number, too long, empty) is refused before Twilio is called. */
    @Override
    public ReplyPlan plan(Case value, String to) {
        if (properties.getAccountSid().isEmpty() || properties.getAuthToken().isEmpty()) {
            return new SendOutcome.Failed("casebridge.channels.sms.account-sid and auth-token must be set to send SMS");
        }
        String text = value.body() == null || value.body().text() == null ? "" : value.body().text().strip();
        if (text.isEmpty()) {
            return new SendOutcome.Refused("empty-reply", "Reply " + value.messageId() + " to case " + value.caseId()
                    + " has no text; an SMS reply needs text");
        }
        if (text.length() > properties.getMaxReplyLength()) {
            // one reply is one message with one sid and one delivery status; a split reply could arrive half
            return new SendOutcome.Refused("reply-too-long", "Reply " + value.messageId() + " to case " + value.caseId() + " is "
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
                return new SendOutcome.Refused("no-sender", "Case " + value.caseId() + " does not say which Twilio number the customer"
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
        return ReplyPlan.Calls.of(new PlatformCall(encode(form), Map.of(Exchange.HTTP_METHOD, "POST",
                Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8",
                "Authorization", SmsPlatform.basicAuth(properties.getAccountSid(), properties.getAuthToken()),
                "Accept", "application/json")));
    }

    /**
     * Twilio's sid for the message. A 400 (invalid number, opted out, ...) can never succeed: refused, reported on the
     * case at once. Anything else (401 while the token is being fixed, 429, 5xx) fails and is redelivered.
     */
    @Override
    public SendOutcome answer(Case value, PlatformCall call, PlatformAnswer answered) {
        int status = answered.status();
        String body = answered.text();
        JsonNode answer = body == null || body.isBlank() ? mapper.createObjectNode() : readQuietly(body);
        if (status / 100 == 2) {
            String sid = answer.path("sid").asText(null);
            if (sid == null || sid.isBlank()) {
                return new SendOutcome.Failed("Twilio answered HTTP " + status + " without a message sid: " + abbreviate(body));
            }
            return new SendOutcome.Sent(sid);
        }
        String code = answer.path("code").asText("");
        String reason = "Twilio answered HTTP " + status + (code.isEmpty() ? "" : ", error " + code) + ": "
                + answer.path("message").asText(abbreviate(body));
        if (status == 400) {
            return new SendOutcome.Refused("sms-refused", "Reply " + value.messageId() + " refused by Twilio, not retried. " + reason);
        }
        return new SendOutcome.Failed(reason);
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
