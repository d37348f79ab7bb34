package org.casebridge.channel.webchat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Trust;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.shared.EmailAddresses;
import org.casebridge.shared.Problem;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The organisation's own web chat as a chat platform: a visitor's message posted by the widget
 * ({@code POST /webchat/v1/messages}) goes through the same pipeline as a platform's webhook. Instead of a signature,
 * {@link #verify} checks the site's key, the browser's Origin and the visitor token; the visitor is anonymous, so the
 * sender's identity is the token's word only ({@code trust.verified = false}).
 */
@Component
public class WebchatPlatform implements ChatPlatform {

    private static final Trust VISITOR_TOKEN = new Trust(false, "visitor-token");
    private static final Set<String> FIELDS = Set.of("text", "name", "email", "clientMessageId");
    private static final Pattern CLIENT_MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebchatProperties properties;
    private final WebchatSites sites;
    private final WebchatVisitors visitors;
    private final WebchatRateLimiter limiter;

    @Autowired
    public WebchatPlatform(WebchatProperties properties, WebchatSites sites, WebchatVisitors visitors, WebchatRateLimiter limiter) {
        this.properties = properties;
        this.sites = sites;
        this.visitors = visitors;
        this.limiter = limiter;
    }

    /** Default settings, no database: for the {@code normalise} command, which only parses. */
    public static WebchatPlatform forNormalise() {
        WebchatProperties defaults = new WebchatProperties();
        return new WebchatPlatform(defaults, new WebchatSites(defaults), null, null);
    }

    @Override
    public Channel channel() {
        return Channel.WEBCHAT;
    }

    /** Site key (401), Origin of that site (403), visitor token of that site (401), then the visitor's rate (429). */
    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        WebchatProperties.Site site = sites.authenticate(request.header(WebchatHeaders.SITE), request.header(WebchatHeaders.KEY));
        sites.checkOrigin(site, request.header("Origin"), true);
        WebchatVisitors.Visitor visitor = visitors.authenticate(site.getId(), request.header(WebchatHeaders.TOKEN));
        limiter.hit("visitor:" + visitor.visitorId(), properties.getRateLimit().getPerVisitor());
        return null;
    }

    /**
     * The widget's JSON: {@code text} (required), {@code name} and {@code email} (optional, as the visitor typed
     * them), {@code clientMessageId} (the widget's id for the message: a retry with the same id is the same message).
     */
    @Override
    public WebhookEvents parse(WebhookRequest request) {
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            throw new RejectedRequestException(400, "invalid-json", "Invalid JSON", "The body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new RejectedRequestException(400, "invalid-json", "Invalid JSON", "The body cannot be read: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new RejectedRequestException(400, "invalid-json", "Invalid JSON", "The body must be a JSON object.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new Problem.FieldError("/" + name, "unknown field; expected " + FIELDS));
            }
        }
        String text = text(body, "text", errors);
        if (text == null || text.isBlank()) {
            errors.add(new Problem.FieldError("/text", "required: the visitor's message"));
        } else if (text.length() > properties.getMaxTextLength()) {
            errors.add(new Problem.FieldError("/text", "longer than " + properties.getMaxTextLength() + " characters"));
        }
        String name = text(body, "name", errors);
        if (name != null && name.length() > 200) {
            errors.add(new Problem.FieldError("/name", "longer than 200 characters"));
        }
        String email = email(text(body, "email", errors), errors);
        String clientMessageId = text(body, "clientMessageId", errors);
        if (clientMessageId != null && !CLIENT_MESSAGE_ID.matcher(clientMessageId).matches()) {
            errors.add(new Problem.FieldError("/clientMessageId", "1 to 64 letters, digits, '.', '_', ':' or '-'"));
        }
        if (!errors.isEmpty()) {
            throw new RejectedRequestException(400, "invalid-message", "Invalid message", "The message has invalid fields.",
                    errors, java.util.Map.of());
        }
        String token = request.header(WebchatHeaders.TOKEN);
        String visitorId = token == null || token.isBlank() ? null : WebchatVisitors.visitorIdOf(token);
        // scoped to the visitor: one visitor's ids can never collide with (or swallow) another's
        String externalId = (visitorId == null ? "anonymous" : visitorId) + ":"
                + (clientMessageId != null ? clientMessageId : "srv-" + UUID.randomUUID());
        ChatMessage message = new ChatMessage(Channel.WEBCHAT, request.header(WebchatHeaders.SITE), externalId, "message", null,
                new ChatMessage.Sender(visitorId, null, name, null, email), text.strip(), List.of(), null);
        return new WebhookEvents(List.of(message), List.of(), List.of());
    }

    @Override
    public Trust trust() {
        return VISITOR_TOKEN;
    }

    private static String text(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new Problem.FieldError("/" + field, "must be a string"));
            return null;
        }
        String text = value.asText();
        return text.isBlank() && !"text".equals(field) ? null : text;
    }

    private static String email(String value, List<Problem.FieldError> errors) {
        if (value == null) {
            return null;
        }
        Optional<String> address = EmailAddresses.plain(value.strip());
        if (address.isEmpty()) {
            errors.add(new Problem.FieldError("/email", "not a valid email address"));
        }
        return address.orElse(null);
    }
}
