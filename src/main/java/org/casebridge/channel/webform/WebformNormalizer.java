package org.casebridge.channel.webform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.Attachment;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseStore;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.cases.Trust;
import org.casebridge.ops.ApiClients;
import org.casebridge.ops.CasebridgeProperties;
import org.casebridge.shared.EmailAddresses;
import org.casebridge.shared.Problem.FieldError;
import org.casebridge.shared.RejectedRequestException;
import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Normalizer for the generic API / web form channel: checks a {@code POST /api/v1/messages} request and turns it
 * into a {@link Case} ({@code channel: webform}), storing attachments on the way. Every refusal is a
 * {@link RejectedRequestException} naming the problem.
 */
@Component("webformNormalizer")
public class WebformNormalizer {

    private static final Pattern MEDIA_TYPE = Pattern.compile("^[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+$");
    private static final int MAX_SUBJECT = 998;
    private static final int MAX_NAME = 256;
    private static final int MAX_REFERENCE = 255;
    private static final int MAX_FILENAME = 255;

    private final ObjectReader reader;
    private final CasebridgeProperties properties;
    private final AttachmentStore attachments;
    private final ApiClients clients;
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final Clock clock;

    public WebformNormalizer(ObjectMapper mapper, CasebridgeProperties properties, AttachmentStore attachments,
                             ApiClients clients, Clock clock) {
        this.clock = clock;
        this.reader = mapper.readerFor(WebformRequest.class)
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.properties = properties;
        this.attachments = attachments;
        this.clients = clients;
    }

    /**
     * Route step: reads the request (body as bytes, headers), builds the case, puts it in the exchange property
     * {@link CaseHeaders#CASE_PROPERTY} and sets the case headers.
     */
    public void normalise(Exchange exchange) {
        Message message = exchange.getMessage();
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        requireJson(message.getHeader(Exchange.CONTENT_TYPE, String.class));
        String clientId = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        ApiClients.ApiClient client = clients.byId(clientId)
                .orElseThrow(() -> new RejectedRequestException(401, "unauthorized", "Unknown API client",
                        "The request carries no valid API key."));
        String idempotencyKey = message.getHeader("Idempotency-Key", String.class);
        if (idempotencyKey != null) {
            idempotencyKey = idempotencyKey.strip();
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > 255) {
                throw new RejectedRequestException(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                        "The Idempotency-Key header must be 1 to 255 characters long.");
            }
            message.setHeader(CaseHeaders.IDEMPOTENCY_KEY, idempotencyKey);
        }
        byte[] raw = message.getBody(byte[].class);
        exchange.setProperty(CaseStore.RAW_BYTES_PROPERTY, raw);
        WebformRequest request = parse(raw);
        Case value = toCase(request, client, receivedAt, message.getHeader(CaseHeaders.RAW_REF, String.class));
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, value);
        message.setHeader(CaseHeaders.CASE_ID, value.caseId());
        message.setHeader(CaseHeaders.MESSAGE_ID, value.messageId());
    }

    private static void requireJson(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            throw new RejectedRequestException(415, "unsupported-media-type", "Unsupported media type",
                    "Send the message as application/json; got " + (contentType == null ? "no Content-Type" : "'" + contentType + "'") + ".");
        }
    }

    WebformRequest parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body is empty.");
        }
        try {
            WebformRequest request = reader.readValue(raw);
            if (request == null) {
                throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body is JSON null, not an object.");
            }
            return request;
        } catch (UnrecognizedPropertyException e) {
            throw new RejectedRequestException(400, "unknown-field", "Unknown field",
                    "Field '" + e.getPropertyName() + "' is not part of the message format.",
                    List.of(new FieldError(pointer(e), "unknown field")), Map.of());
        } catch (MismatchedInputException e) {
            throw new RejectedRequestException(400, "invalid-field", "Field has the wrong type",
                    "Field " + pointer(e) + " has the wrong JSON type.",
                    List.of(new FieldError(pointer(e), e.getOriginalMessage())), Map.of());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON",
                    "The request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body cannot be read: " + e.getMessage());
        }
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return pointer.isEmpty() ? "/" : pointer.toString();
    }

    private Case toCase(WebformRequest request, ApiClients.ApiClient client, Instant receivedAt, String rawRef) {
        List<FieldError> errors = new ArrayList<>();
        CasebridgeProperties.Api limits = properties.getApi();

        String text = request.text();
        if (text == null || text.isBlank()) {
            errors.add(new FieldError("/text", "required: the message text"));
        } else if (text.length() > limits.getMaxTextLength()) {
            errors.add(new FieldError("/text", "longer than " + limits.getMaxTextLength() + " characters"));
        }
        String subject = clean(request.subject());
        if (subject != null && subject.length() > MAX_SUBJECT) {
            errors.add(new FieldError("/subject", "longer than " + MAX_SUBJECT + " characters"));
        }
        String reference = clean(request.reference());
        if (reference != null && reference.length() > MAX_REFERENCE) {
            errors.add(new FieldError("/reference", "longer than " + MAX_REFERENCE + " characters"));
        }
        Instant sentAt = parseSentAt(request.sentAt(), errors);

        WebformRequest.Sender sender = request.sender();
        String name = null;
        String email = null;
        String phone = null;
        if (sender == null) {
            errors.add(new FieldError("/sender", "required: who wrote, with an email address or a phone number"));
        } else {
            name = clean(sender.name());
            if (name != null && name.length() > MAX_NAME) {
                errors.add(new FieldError("/sender/name", "longer than " + MAX_NAME + " characters"));
            }
            email = email(clean(sender.email()), errors);
            phone = phone(clean(sender.phone()), errors);
            if (clean(sender.email()) == null && clean(sender.phone()) == null) {
                errors.add(new FieldError("/sender", "required: an email address or a phone number to answer"));
            }
        }
        List<WebformRequest.WebformAttachment> files = request.attachments() == null ? List.of() : request.attachments();
        if (files.size() > limits.getMaxAttachments()) {
            errors.add(new FieldError("/attachments", "more than " + limits.getMaxAttachments() + " attachments"));
        }
        List<byte[]> decoded = decodeAttachments(files, errors);
        if (!errors.isEmpty()) {
            String fields = String.join(", ", errors.stream().map(FieldError::pointer).distinct().toList());
            throw new RejectedRequestException(400, "invalid-message", "Missing or invalid fields",
                    "The message has missing or invalid fields: " + fields + ".", errors, Map.of());
        }

        List<Attachment> stored = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            WebformRequest.WebformAttachment file = files.get(i);
            BlobStore.Stored blob = attachments.put(decoded.get(i));
            String contentType = clean(file.contentType());
            stored.add(new Attachment(filename(file.filename()),
                    contentType == null ? "application/octet-stream" : contentType.toLowerCase(Locale.ROOT),
                    blob.size(), blob.sha256(), blob.ref(), false, null));
        }

        String body = text.replace("\r\n", "\n");
        Duration target = properties.getCases().getFirstResponseTarget();
        return new Case(Case.SCHEMA_VERSION, CaseIds.newCaseId(), CaseIds.newMessageId(), Channel.WEBFORM,
                Direction.INBOUND, MessageKind.MESSAGE, receivedAt, sentAt,
                new Customer(name, email, phone, null, null, null, null),
                subject, new Body(body, body.strip(), null), List.copyOf(stored), null, CaseThread.newCase(),
                new Source("api:" + client.id(), reference, rawRef),
                properties.getCases().getDefaultPriority(), null,
                new Sla(target == null ? null : receivedAt.plus(target)),
                client.trustedIdentity() ? new Trust(true, "api-key") : new Trust(false, "self-asserted"));
    }

    private static Instant parseSentAt(String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError("/sentAt", "not an ISO-8601 date-time with offset, e.g. 2026-11-24T09:15:00Z"));
            return null;
        }
    }

    private static String email(String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        Optional<String> address = EmailAddresses.plain(value);
        if (address.isEmpty()) {
            errors.add(new FieldError("/sender/email", "not a valid email address"));
        }
        return address.orElse(null);
    }

    private String phone(String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            Phonenumber.PhoneNumber number = phones.parse(value, properties.getApi().getDefaultPhoneRegion());
            if (!phones.isValidNumber(number)) {
                errors.add(new FieldError("/sender/phone", "not a valid phone number"));
                return null;
            }
            return phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            errors.add(new FieldError("/sender/phone", "not a phone number: " + e.getMessage()));
            return null;
        }
    }

    private List<byte[]> decodeAttachments(List<WebformRequest.WebformAttachment> files, List<FieldError> errors) {
        long max = properties.getApi().getMaxAttachmentSize().toBytes();
        List<byte[]> decoded = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            WebformRequest.WebformAttachment file = files.get(i);
            String at = "/attachments/" + i;
            if (file == null) {
                errors.add(new FieldError(at, "must be an object"));
                decoded.add(null);
                continue;
            }
            String contentType = clean(file.contentType());
            if (contentType != null && !MEDIA_TYPE.matcher(contentType).matches()) {
                errors.add(new FieldError(at + "/contentType", "not a media type such as application/pdf"));
            }
            if (file.content() == null) {
                errors.add(new FieldError(at + "/content", "required: the file's bytes in base64"));
                decoded.add(null);
                continue;
            }
            // base64 grows by 4/3: refuse before decoding what is certainly too large
            if ((file.content().length() / 4L) * 3 - 2 > max) {
                throw tooLarge(i, file, max);
            }
            try {
                byte[] bytes = Base64.getMimeDecoder().decode(file.content().getBytes(StandardCharsets.US_ASCII));
                if (!isBase64(file.content())) {
                    throw new IllegalArgumentException("not base64");
                }
                if (bytes.length > max) {
                    throw tooLarge(i, file, max);
                }
                decoded.add(bytes);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(at + "/content", "not valid base64"));
                decoded.add(null);
            }
        }
        return decoded;
    }

    private static boolean isBase64(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=' || c == '\r' || c == '\n';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static RejectedRequestException tooLarge(int index, WebformRequest.WebformAttachment file, long max) {
        return new RejectedRequestException(413, "attachment-too-large", "Attachment too large",
                "Attachment " + index + (file.filename() == null ? "" : " ('" + filename(file.filename()) + "')")
                        + " is larger than the limit of " + max + " bytes.",
                List.of(new FieldError("/attachments/" + index + "/content", "larger than " + max + " bytes")), Map.of());
    }

    private static String filename(String value) {
        String name = clean(value);
        if (name == null) {
            return null;
        }
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).replaceAll("[\\p{Cntrl}]", "_");
        return name.length() > MAX_FILENAME ? name.substring(name.length() - MAX_FILENAME) : name;
    }

    private static String clean(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
