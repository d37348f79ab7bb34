package org.casebridge.channel.sms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.MediaFetcher;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SMS and MMS through Twilio: Twilio's incoming-message webhook and its status callbacks ({@code /webhooks/sms},
 * {@code /webhooks/sms/status}), signed with {@code X-Twilio-Signature} over the URL Twilio called and the form
 * parameters. The customer is their phone number; the account is our Twilio number they texted.
 */
@Component
public class SmsPlatform implements ChatPlatform {

    /** The path of the webhook; the status callback is {@code <path>/status}. */
    static final String PATH = "/webhooks/sms";
    /** The status callback's path below {@link #PATH}. */
    static final String STATUS_SUFFIX = "/status";

    private static final String WHATSAPP = "whatsapp:";
    /** Twilio message states that are neither a delivery outcome nor worth a record: the message is on its way. */
    private static final Set<String> IN_FLIGHT = Set.of("accepted", "scheduled", "queued", "sending");
    /** States of an incoming message, as an incoming-message webhook carries them. */
    private static final Set<String> INCOMING = Set.of("received", "receiving");
    /** What the common delivery error codes mean, so the case says more than a number. */
    private static final Map<String, String> ERRORS = Map.ofEntries(
            Map.entry("21211", "invalid 'To' phone number"),
            Map.entry("21610", "the recipient has opted out (replied STOP)"),
            Map.entry("21612", "Twilio cannot route to this number"),
            Map.entry("21614", "'To' is not a mobile number"),
            Map.entry("30003", "unreachable destination handset"),
            Map.entry("30004", "message blocked"),
            Map.entry("30005", "unknown destination handset"),
            Map.entry("30006", "landline or unreachable carrier"),
            Map.entry("30007", "filtered by the carrier"),
            Map.entry("30008", "unknown error from the carrier"),
            Map.entry("63016", "outside the WhatsApp 24-hour window: a template message is needed"));

    private final SmsProperties properties;
    private final MediaFetcher media;
    private final ObjectMapper mapper = new ObjectMapper();

    public SmsPlatform(SmsProperties properties, MediaFetcher media) {
        this.properties = properties;
        this.media = media;
    }

    /** Default settings, no network: for the {@code normalise} command. */
    public static SmsPlatform forNormalise() {
        return new SmsPlatform(new SmsProperties(), null);
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    /**
     * Checks {@code X-Twilio-Signature}: HMAC-SHA1 with the auth token over the URL Twilio called and the sorted form
     * parameters of the raw body (a GET carries its parameters in the URL, signed as part of it; a JSON body is
     * signed through the {@code bodySHA256} query parameter). Twilio signs no timestamp, so there is no age to check;
     * a replay is a redelivery of a message id, which the idempotency key absorbs.
     */
    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        String token = properties.getAuthToken();
        if (token.isEmpty()) {
            throw new WebhookSignatureException("casebridge.channels.sms.auth-token is not set: Twilio's signature cannot be checked,"
                    + " so no call is accepted.");
        }
        String signature = request.header("X-Twilio-Signature");
        if (signature == null || signature.isBlank()) {
            throw new WebhookSignatureException("The request carries no X-Twilio-Signature header.");
        }
        String url = signedUrl(request);
        boolean valid;
        if (url != null && WebhookRequest.parseQuery(rawQuery(url)).containsKey("bodySHA256")) {
            valid = WebhookSignatures.isValidTwilioJson(token, url, request.body(), signature);
        } else if ("GET".equalsIgnoreCase(request.method())) {
            valid = WebhookSignatures.isValidTwilio(token, url, List.of(), signature);
        } else {
            valid = WebhookSignatures.isValidTwilio(token, url, request.formParameters(), signature);
        }
        if (!valid) {
            throw new WebhookSignatureException("The X-Twilio-Signature header does not match the URL " + url
                    + " and the parameters (is casebridge.channels.sms.public-url the URL configured at Twilio?).");
        }
        return null;
    }

    /**
     * The URL Twilio signed: {@code casebridge.channels.sms.public-url} with the path below {@code /webhooks/sms} and
     * the query string as received; without the setting, the request URL as the bridge received it.
     */
    String signedUrl(WebhookRequest request) {
        String received = request.url();
        String publicUrl = properties.getPublicUrl();
        if (publicUrl.isEmpty() || received == null) {
            return received;
        }
        String path;
        String query;
        try {
            URI uri = new URI(received);
            path = uri.getRawPath() == null ? "" : uri.getRawPath();
            query = uri.getRawQuery();
        } catch (URISyntaxException e) {
            return received;
        }
        int at = path.indexOf(PATH);
        String below = at < 0 ? "" : path.substring(at + PATH.length());
        String base = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        return base + below + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /**
     * Reads an incoming message (SMS, MMS, or WhatsApp through Twilio) or a status callback. The parameters come from
     * the form body, from a JSON object (a saved payload, or Twilio's JSON webhooks), or from the URL of a GET.
     */
    @Override
    public WebhookEvents parse(WebhookRequest request) {
        Map<String, String> p = parameters(request);
        if (p.isEmpty() || !(p.containsKey("AccountSid") || p.containsKey("MessageSid") || p.containsKey("SmsSid"))) {
            throw new RejectedRequestException(400, "invalid-payload", "Not a Twilio webhook",
                    "The call carries no AccountSid or MessageSid parameter: it is not a Twilio message webhook.");
        }
        String sid = first(p, "MessageSid", "SmsMessageSid", "SmsSid");
        String status = lower(first(p, "MessageStatus", "SmsStatus"));
        boolean statusPath = request.url() != null && pathOf(request.url()).endsWith(PATH + STATUS_SUFFIX);
        if (sid != null && (statusPath || (status != null && !INCOMING.contains(status) && !p.containsKey("Body")))) {
            return receipt(sid, status, p);
        }
        if (sid == null || p.get("From") == null) {
            String type = p.containsKey("CallSid") ? "call" : p.getOrDefault("EventType", "unknown");
            return new WebhookEvents(List.of(), List.of(), List.of(new WebhookEvents.Ignored(type,
                    "Not an incoming message nor a status callback: the sms webhook takes messages only (parameters "
                            + String.join(", ", p.keySet()) + ")")));
        }
        return new WebhookEvents(List.of(message(sid, p)), List.of(), List.of());
    }

    private ChatMessage message(String sid, Map<String, String> p) {
        String from = p.get("From").strip();
        boolean whatsapp = from.regionMatches(true, 0, WHATSAPP, 0, WHATSAPP.length());
        String text = p.getOrDefault("Body", "");
        if (whatsapp) {
            // replies go back the same way (From/To keep the whatsapp: prefix), so the case is answerable; it is
            // marked because the channel says sms
            text = (text.isEmpty() ? "" : text + "\n\n") + "[WhatsApp message received through Twilio]";
        }
        List<ChatMessage.MediaRef> refs = new ArrayList<>();
        int count = parseCount(p.get("NumMedia"));
        for (int i = 0; i < count; i++) {
            String url = p.get("MediaUrl" + i);
            if (url == null || url.isBlank()) {
                continue;
            }
            String type = p.get("MediaContentType" + i);
            String mediaSid = lastSegment(url);
            refs.add(new ChatMessage.MediaRef(mediaSid, url, type, filename(mediaSid != null ? mediaSid : "media-" + (i + 1), type), null));
        }
        ChatMessage.Sender sender = new ChatMessage.Sender(from, null, p.get("ProfileName"), from, null);
        return new ChatMessage(Channel.SMS, p.get("To") == null ? null : p.get("To").strip(), sid, whatsapp ? "whatsapp_message" : refs.isEmpty() ? "sms" : "mms",
                null, sender, text, refs, p.get("OriginalRepliedMessageSid"));
    }

    private WebhookEvents receipt(String sid, String status, Map<String, String> p) {
        if (status == null) {
            return new WebhookEvents(List.of(), List.of(), List.of(new WebhookEvents.Ignored("status",
                    "A status callback for " + sid + " without MessageStatus")));
        }
        String outcome = switch (status) {
            case "sent" -> DeliveryReceipt.SENT;
            case "delivered" -> DeliveryReceipt.DELIVERED;
            case "read" -> DeliveryReceipt.READ;
            case "undelivered", "failed", "canceled" -> DeliveryReceipt.FAILED;
            default -> null;
        };
        if (outcome == null) {
            if (IN_FLIGHT.contains(status)) {
                // on its way: the next callback says where it got to
                return WebhookEvents.empty();
            }
            return new WebhookEvents(List.of(), List.of(), List.of(new WebhookEvents.Ignored("status:" + status,
                    "Twilio status '" + status + "' of " + sid + " is not a delivery state the bridge tracks")));
        }
        String detail = null;
        if (DeliveryReceipt.FAILED.equals(outcome)) {
            String code = p.get("ErrorCode");
            StringBuilder why = new StringBuilder("Twilio reports the message ").append(status);
            if (code != null && !code.isBlank()) {
                why.append(": error ").append(code.strip());
                String meaning = ERRORS.get(code.strip());
                if (meaning != null) {
                    why.append(" (").append(meaning).append(')');
                }
                why.append(", https://www.twilio.com/docs/api/errors/").append(code.strip());
            }
            if (p.get("ErrorMessage") != null) {
                why.append(" - ").append(p.get("ErrorMessage"));
            }
            detail = why.toString();
        }
        return new WebhookEvents(List.of(), List.of(new DeliveryReceipt(Channel.SMS, sid, outcome, null, detail)), List.of());
    }

    /** Media of an MMS: Twilio's media URL, with HTTP Basic auth in case the account requires it for media. */
    @Override
    public MediaContent download(ChatMessage.MediaRef ref) {
        if (media == null) {
            throw new UnsupportedOperationException("No media fetching in this instance");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (!properties.getAccountSid().isEmpty() && !properties.getAuthToken().isEmpty()) {
            headers.put("Authorization", basicAuth(properties.getAccountSid(), properties.getAuthToken()));
        }
        return media.get(Channel.SMS, ref.url(), headers, ref.filename());
    }

    /**
     * Twilio answers the keywords STOP, START, HELP (and their synonyms) itself and opts the number out or in: the
     * message is kept on the case, but an acknowledgement would be one message too many (after STOP, one Twilio
     * refuses to send).
     */
    @Override
    public boolean acknowledges(ChatMessage message) {
        return !isKeyword(message.text());
    }

    boolean isKeyword(String text) {
        String word = text == null ? "" : text.strip().replaceAll("[.!]+$", "").toUpperCase(Locale.ROOT);
        return properties.getKeywords().stream().anyMatch(k -> k.strip().equalsIgnoreCase(word));
    }

    /** Twilio retries on anything but 2xx, and reads the answer as TwiML: an empty {@code <Response/>} sends nothing. */
    @Override
    public WebhookHandshake success() {
        return new WebhookHandshake(200, "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
    }

    static String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The webhook's parameters, first value of each name. */
    Map<String, String> parameters(WebhookRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        String body = request.bodyAsString().strip();
        if (body.startsWith("{")) {
            JsonNode json;
            try {
                json = mapper.readTree(body);
            } catch (JsonProcessingException e) {
                throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The webhook body is not JSON: " + e.getOriginalMessage());
            }
            json.fields().forEachRemaining(f -> params.putIfAbsent(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
        } else if (!body.isEmpty()) {
            request.formParameters().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
        } else {
            request.query().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    params.putIfAbsent(name, values.get(0));
                }
            });
        }
        return params;
    }

    private static String first(Map<String, String> p, String... names) {
        for (String name : names) {
            String value = p.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static int parseCount(String value) {
        try {
            return value == null ? 0 : Math.max(0, Math.min(10, Integer.parseInt(value.strip())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String lastSegment(String url) {
        String path = pathOf(url);
        int slash = path.lastIndexOf('/');
        String last = slash < 0 ? path : path.substring(slash + 1);
        return last.isBlank() ? null : last;
    }

    private static String pathOf(String url) {
        try {
            String path = new URI(url).getPath();
            return path == null ? "" : path;
        } catch (URISyntaxException e) {
            return "";
        }
    }

    private static String rawQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? "" : url.substring(q + 1);
    }

    /** {@code ME123.jpg}: the media id with an extension for the type, as a person downloading it expects. */
    static String filename(String base, String contentType) {
        if (contentType == null || !contentType.contains("/")) {
            return base;
        }
        String subtype = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        subtype = subtype.substring(subtype.indexOf('/') + 1);
        String extension = switch (subtype) {
            case "jpeg", "pjpeg" -> "jpg";
            case "vcard", "x-vcard" -> "vcf";
            case "plain" -> "txt";
            case "quicktime" -> "mov";
            case "mpeg" -> contentType.startsWith("audio") ? "mp3" : "mpeg";
            default -> subtype.replaceAll("[^a-z0-9]", "");
        };
        return extension.isEmpty() ? base : base + "." + extension;
    }
}
