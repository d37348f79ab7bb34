package org.casebridge.replies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.ops.CasebridgeProperties;
import org.casebridge.shared.Problem.FieldError;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads replies, from the API and from the queue, and checks them against one set of rules: text required, sizes
 * bounded, a known kind. Unknown fields are refused, as on the message API, so a typo never silently loses data.
 */
@Component
class ReplyReader {

    /** Kinds a back-office system may post; {@code auto-reply} is the bridge's own (acknowledgements), on the queue only. */
    static final Set<String> API_KINDS = Set.of("message", "status-update");
    static final Set<String> QUEUE_KINDS = Set.of("message", "status-update", "auto-reply");

    private static final int MAX_AUTHOR = 256;
    private static final int MAX_REFERENCE = 255;
    /** HTML carries markup around the same text: allow it a few times the text limit rather than a second setting. */
    private static final int HTML_FACTOR = 5;
    private static final Pattern REPLY_ID = Pattern.compile("msg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final ObjectReader requests;
    private final ObjectReader replies;
    private final int maxText;

    ReplyReader(ObjectMapper mapper, CasebridgeProperties properties) {
        this.requests = strict(mapper.readerFor(ReplyRequest.class));
        this.replies = strict(mapper.readerFor(Reply.class));
        this.maxText = properties.getApi().getMaxTextLength();
    }

    private static ObjectReader strict(ObjectReader reader) {
        return reader.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The API request in {@code raw}, checked; every refusal is a 400 problem naming the fields. */
    ReplyRequest readRequest(byte[] raw) {
        ReplyRequest request = read(requests, raw);
        List<FieldError> errors = violations(request.text(), request.html(), request.author(), request.kind(), request.reference(), API_KINDS);
        if (!errors.isEmpty()) {
            String fields = String.join(", ", errors.stream().map(FieldError::pointer).distinct().toList());
            throw new RejectedRequestException(400, "invalid-message", "Missing or invalid fields",
                    "The reply has missing or invalid fields: " + fields + ".", errors, Map.of());
        }
        return request;
    }

    /**
     * The reply in a queue message, checked. A reply that can never be delivered as written is a
     * {@link RejectedMessageException}: recorded and dead-lettered at once, never retried.
     */
    Reply readQueued(String json) {
        Reply reply;
        try {
            reply = read(replies, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
        } catch (RejectedRequestException e) {
            // not as the cause: Camel matches onException on causes too, and would answer an HTTP sender that is not there
            throw new RejectedMessageException("invalid-reply", e.getMessage());
        }
        List<FieldError> errors = new ArrayList<>(violations(reply.text(), reply.html(), reply.author(), reply.kind(), reply.reference(), QUEUE_KINDS));
        // the reply id becomes the message's primary key: a made-up one could collide with another reply and be dropped
        if (reply.replyId() != null && !REPLY_ID.matcher(reply.replyId()).matches()) {
            errors.add(new FieldError("/replyId", "not an id the bridge gave out (msg-<uuid>); leave it out to have one made"));
        }
        if (!errors.isEmpty()) {
            throw new RejectedMessageException("invalid-reply", "The reply has missing or invalid fields: "
                    + String.join("; ", errors.stream().map(e -> e.pointer() + " " + e.message()).toList()) + ".");
        }
        return reply;
    }

    private List<FieldError> violations(String text, String html, Reply.Author author, String kind, String reference, Set<String> kinds) {
        List<FieldError> errors = new ArrayList<>();
        if (text == null || text.isBlank()) {
            errors.add(new FieldError("/text", "required: the text the customer receives"));
        } else if (text.length() > maxText) {
            errors.add(new FieldError("/text", "longer than " + maxText + " characters"));
        }
        if (html != null && html.length() > (long) maxText * HTML_FACTOR) {
            errors.add(new FieldError("/html", "longer than " + (long) maxText * HTML_FACTOR + " characters"));
        }
        if (author != null && author.name() != null && author.name().length() > MAX_AUTHOR) {
            errors.add(new FieldError("/author/name", "longer than " + MAX_AUTHOR + " characters"));
        }
        if (kind != null && !kinds.contains(kind)) {
            errors.add(new FieldError("/kind", "one of " + kinds.stream().sorted().toList()));
        }
        if (reference != null && reference.length() > MAX_REFERENCE) {
            errors.add(new FieldError("/reference", "longer than " + MAX_REFERENCE + " characters"));
        }
        return errors;
    }

    private static <T> T read(ObjectReader reader, byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The body is empty.");
        }
        try {
            T value = reader.readValue(raw);
            if (value == null) {
                throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The body is JSON null, not an object.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new RejectedRequestException(400, "unknown-field", "Unknown field",
                    "Field '" + e.getPropertyName() + "' is not part of the reply format.",
                    List.of(new FieldError(pointer(e), "unknown field")), Map.of());
        } catch (MismatchedInputException e) {
            throw new RejectedRequestException(400, "invalid-field", "Field has the wrong type",
                    "Field " + pointer(e) + " has the wrong JSON type.", List.of(new FieldError(pointer(e), e.getOriginalMessage())), Map.of());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON",
                    "The body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The body cannot be read: " + e.getMessage());
        }
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return pointer.isEmpty() ? "/" : pointer.toString();
    }
}
