package org.casebridge.channel.chat;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.casebridge.cases.Attachment;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseStore;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.cases.ThreadMethod;
import org.casebridge.ops.CasebridgeProperties;
import org.casebridge.shared.RejectedRequestException;
import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The route steps every chat platform's webhook shares (the route template {@code routes/chat-webhook-to-case.yaml},
 * made into {@code routes/<platform>-webhook-to-case.yaml}): verify the call, read its payload, turn each customer
 * message into a case message on {@code casebridge.cases.new} ({@code routes/chat-message-to-case.yaml} splits the call
 * into its messages), then answer the platform. The platform itself ({@link ChatPlatform}) only
 * knows its signature and payload format.
 * <p>
 * The platform is answered only once every message of the call is stored and durably on the broker; a failure
 * answers with an error, and the platform's redelivery is de-duplicated by its message id.
 */
@Component("chatIntake")
public class ChatIntake {

    /** Header naming the platform of a webhook route, set by the route: {@code whatsapp}, {@code telegram} ... */
    public static final String CHANNEL = CaseHeaders.CHANNEL;
    /** Exchange property set when the call was the platform's verification handshake, already answered. */
    public static final String HANDSHAKE = "CasebridgeWebhookHandshake";
    /** Exchange property with the {@link WebhookRequest} of the call. */
    public static final String REQUEST_PROPERTY = "CasebridgeWebhookRequest";
    /** Exchange property counting the case messages a call produced (new and repeated). */
    public static final String MESSAGE_COUNT = "CasebridgeWebhookMessages";

    private static final Logger LOG = LoggerFactory.getLogger(ChatIntake.class);
    private static final int MAX_KEY = 255;

    private final Map<Channel, ChatPlatform> platforms = new EnumMap<>(Channel.class);
    private final ChatProperties properties;
    private final ChatNormalizer normalizer;
    private final ThreadIndex threads;
    private final CaseStore cases;
    private final AttachmentStore attachments;
    private final DeliveryReceipts receipts;
    private final WebhookEventLog events;
    private final Clock clock;

    public ChatIntake(List<ChatPlatform> platforms, ChatProperties properties, CasebridgeProperties casebridge, ThreadIndex threads,
                      CaseStore cases, AttachmentStore attachments, DeliveryReceipts receipts, WebhookEventLog events, Clock clock) {
        this.clock = clock;
        platforms.forEach(p -> this.platforms.put(p.channel(), p));
        this.properties = properties;
        this.normalizer = new ChatNormalizer(casebridge.getCases().getDefaultPriority(), casebridge.getCases().getFirstResponseTarget(),
                properties.getDefaultRegion(), clock);
        this.threads = threads;
        this.cases = cases;
        this.attachments = attachments;
        this.receipts = receipts;
        this.events = events;
    }

    public ChatNormalizer normalizer() {
        return normalizer;
    }

    /** The platform of {@code channel}, if one is configured in this bridge. */
    public Optional<ChatPlatform> platform(Channel channel) {
        return Optional.ofNullable(platforms.get(channel));
    }

    /**
     * Route step: checks the call with its platform before anything is stored. A handshake is answered here (header
     * {@link #HANDSHAKE}); a bad signature is a {@link WebhookSignatureException}, logged without the body.
     */
    public void verify(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        ChatPlatform platform = platformOf(message);
        byte[] body = rawBody(message);
        if (body != null && body.length > properties.getMaxWebhookSize().toBytes()) {
            throw new RejectedRequestException(413, "payload-too-large", "Payload too large",
                    "The webhook body is " + body.length + " bytes, over the limit of " + properties.getMaxWebhookSize().toBytes() + " bytes.");
        }
        message.setBody(body == null ? new byte[0] : body);
        WebhookRequest request = request(exchange, body);
        exchange.setProperty(REQUEST_PROPERTY, request);
        WebhookHandshake handshake;
        try {
            handshake = platform.verify(request);
        } catch (WebhookSignatureException e) {
            LOG.warn("Refused {} webhook call from {} to {}: {} ({} bytes, body not kept)", platform.channel().wireName(),
                    message.getHeader("CamelHttpRemoteAddress", message.getHeader("X-Forwarded-For"), String.class),
                    request.url(), e.getMessage(), request.body().length);
            throw e;
        }
        if (handshake != null) {
            answer(message, handshake);
            exchange.setProperty(HANDSHAKE, true);
        }
    }

    /**
     * Route step after the raw call is archived: reads the payload, applies delivery receipts, records the events
     * the bridge passes over, and leaves the customer messages (a list of {@link ChatMessage}) in the body.
     */
    public void parse(Exchange exchange) {
        Message message = exchange.getMessage();
        ChatPlatform platform = platformOf(message);
        WebhookRequest request = exchange.getProperty(REQUEST_PROPERTY, WebhookRequest.class);
        if (request == null) {
            request = request(exchange, message.getBody(byte[].class));
        }
        WebhookEvents parsed = platform.parse(request);
        String rawRef = message.getHeader(CaseHeaders.RAW_REF, String.class);
        receipts.apply(parsed.receipts());
        for (WebhookEvents.Ignored ignored : parsed.ignored()) {
            events.recordIgnored(platform.channel(), ignored.type(), ignored.reason(), rawRef);
        }
        message.setBody(parsed.messages());
    }

    /**
     * Route step of {@code chat-message-to-case} after its {@code split} failed: the split reports the failed message
     * wrapped in a {@link CamelExchangeException}; this raises the original failure again, with the ids of the message
     * that failed, so the webhook's error handling answers by it and discards what that message left pending.
     */
    public void rethrowFailure(Exchange exchange) throws Exception {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable failure = caught;
        if (caught instanceof CamelExchangeException wrapped && wrapped.getCause() != null) {
            failure = wrapped.getCause();
            if (wrapped.getExchange() != null) {
                Message failed = wrapped.getExchange().getMessage();
                exchange.getMessage().setHeader(CaseHeaders.CASE_ID, failed.getHeader(CaseHeaders.CASE_ID));
                exchange.getMessage().setHeader(CaseHeaders.MESSAGE_ID, failed.getHeader(CaseHeaders.MESSAGE_ID));
            }
        }
        if (failure instanceof Exception e) {
            throw e;
        }
        throw new IllegalStateException(failure);
    }

    /** Route step at the end of {@code chat-message-to-case}: every message of the call is a case message on the broker. */
    public void ingested(Exchange exchange) {
        List<?> messages = exchange.getMessage().getBody(List.class);
        int count = messages == null ? 0 : messages.size();
        exchange.setProperty(MESSAGE_COUNT, count);
        LOG.debug("{} call: {} message(s) taken in", exchange.getMessage().getHeader(CHANNEL), count);
    }

    /**
     * Route step of {@code chat-message-to-case}: the {@link ChatMessage} in the body becomes the case message in
     * {@link CaseHeaders#CASE_PROPERTY}: joined to the customer's open case or opening one, its media fetched into the
     * attachment store, named for de-duplication by the platform's message id.
     */
    public void toCase(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        Message message = exchange.getMessage();
        ChatMessage chat = message.getMandatoryBody(ChatMessage.class);
        ChatPlatform platform = platformOf(message);
        String clientId = "webhook:" + chat.channel().wireName();
        String key = idempotencyKey(chat);
        message.setHeader(CaseHeaders.CLIENT_ID, clientId);
        message.setHeader(CaseHeaders.IDEMPOTENCY_KEY, key);
        // the platform's message id is the request's identity: a redelivery in another batch is still the same message
        exchange.setProperty(CaseStore.RAW_BYTES_PROPERTY, key.getBytes(StandardCharsets.UTF_8));
        String rawRef = message.getHeader(CaseHeaders.RAW_REF, String.class);

        Case value;
        if (cases.isPublished(clientId, key)) {
            // a redelivery: the case store answers with the stored message; fetch nothing again
            value = normalizer.toCase(chat, null, CaseThread.newCase(), List.of(), List.of(), rawRef, platform.trust());
        } else {
            Threading threading = thread(chat);
            List<Attachment> stored = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            fetchMedia(platform, chat, stored, notes);
            value = normalizer.toCase(chat, threading.caseId(), threading.thread(), stored, notes, rawRef, platform.trust());
        }
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, value);
        if (!platform.acknowledges(chat)) {
            exchange.setProperty(ChatAcknowledger.NOT_ACKNOWLEDGED, true);
        }
        message.setHeader(CaseHeaders.CASE_ID, value.caseId());
        message.setHeader(CaseHeaders.MESSAGE_ID, value.messageId());
    }

    /** Route step at the end of the webhook: the platform's success answer. */
    public void answer(Exchange exchange) {
        answer(exchange.getMessage(), platformOf(exchange.getMessage()).success());
    }

    private record Threading(String caseId, CaseThread thread) {
    }

    /**
     * Where a chat message belongs: the case of the message it replies to (when the sender takes part in it), else the
     * sender's open case on this channel with recent activity, else a new case.
     */
    private Threading thread(ChatMessage chat) {
        String address = chat.sender().platformUserId() != null ? chat.sender().platformUserId()
                : Phones.toE164(chat.sender().phone(), properties.getDefaultRegion());
        if (chat.replyTo() != null) {
            Optional<String> replied = threads.caseForRefs(List.of(chat.replyTo()));
            if (replied.isPresent()) {
                if (threads.isParticipant(replied.get(), chat.channel(), address)) {
                    return new Threading(replied.get(), new CaseThread(ThreadMethod.PLATFORM, 1.0, chat.replyTo(), List.of(), null));
                }
                return new Threading(null, new CaseThread(ThreadMethod.NEW, 1.0, chat.replyTo(), List.of(), replied.get()));
            }
        }
        Optional<String> open = threads.latestOpenCaseOf(chat.channel(), address, clock.instant().minus(properties.getContinueWithin()));
        return open.map(caseId -> new Threading(caseId, new CaseThread(ThreadMethod.PLATFORM, 0.9, chat.replyTo(), List.of(), null)))
                .orElseGet(() -> new Threading(null, CaseThread.newCase(chat.replyTo(), List.of())));
    }

    private void fetchMedia(ChatPlatform platform, ChatMessage chat, List<Attachment> stored, List<String> notes) {
        for (ChatMessage.MediaRef media : chat.media()) {
            String name = media.filename() != null ? media.filename() : media.contentType() != null ? media.contentType() : "media";
            if (media.announcedSize() != null && media.announcedSize() > properties.getMaxMediaSize().toBytes()) {
                notes.add("[" + name + " (" + media.announcedSize() + " bytes) is over the size limit and was left on " + chat.channel().wireName() + "]");
                continue;
            }
            ChatPlatform.MediaContent content;
            try {
                content = platform.download(media);
            } catch (MediaFetcher.MediaTooLargeException e) {
                notes.add("[" + name + " is over the size limit and was left on " + chat.channel().wireName() + "]");
                continue;
            } catch (MediaFetcher.MediaRefusedException e) {
                LOG.warn("{} media {} of message {} not fetched: {}", chat.channel().wireName(), name, chat.externalId(), e.getMessage());
                notes.add("[" + name + " could not be fetched from " + chat.channel().wireName() + ": " + e.getMessage() + "]");
                continue;
            }
            BlobStore.Stored blob = attachments.put(content.bytes());
            String contentType = contentType(content.contentType() != null ? content.contentType() : media.contentType());
            String filename = content.filename() != null ? content.filename() : media.filename();
            stored.add(new Attachment(filename, contentType, blob.size(), blob.sha256(), blob.ref(), false, null));
        }
    }

    /** A media type as the schema wants it: type/subtype only, lower-case; octet-stream when unusable. */
    static String contentType(String declared) {
        if (declared == null) {
            return "application/octet-stream";
        }
        String type = declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+") ? type : "application/octet-stream";
    }

    /** {@code chat:<channel>:<account>:<message id>}, hashed when too long for the key column. */
    static String idempotencyKey(ChatMessage chat) {
        String key = "chat:" + chat.channel().wireName() + ":" + (chat.account() == null ? "" : chat.account()) + ":" + chat.externalId();
        return key.length() <= MAX_KEY ? key : "chat:" + chat.channel().wireName() + ":sha256:" + BlobStore.sha256Hex(key.getBytes(StandardCharsets.UTF_8));
    }

    private ChatPlatform platformOf(Message message) {
        String wire = message.getHeader(CHANNEL, String.class);
        Channel channel;
        try {
            channel = wire == null ? null : Channel.fromWire(wire);
        } catch (IllegalArgumentException e) {
            channel = null;
        }
        ChatPlatform platform = channel == null ? null : platforms.get(channel);
        if (platform == null) {
            throw new IllegalStateException("No chat platform for channel '" + wire + "' (header " + CHANNEL + "); configured: " + platforms.keySet());
        }
        return platform;
    }

    /**
     * The body as the platform sent it. platform-http reads a form-encoded POST into a Map (Twilio's webhooks, Slack's
     * interactions), losing the order and the repeated keys the signature covers: the bytes then come from the servlet
     * request, which {@link RawBodyCachingFilter} keeps readable. Without that filter they are gone, and the
     * signature check fails: never the other way round.
     */
    public static byte[] rawBody(Message message) throws IOException {
        if (message.getBody() instanceof Map<?, ?> && message instanceof PlatformHttpMessage http) {
            return http.getRequest().getInputStream().readAllBytes();
        }
        return message.getBody(byte[].class);
    }

    /** The call as the platform made it, from the platform-http exchange. */
    static WebhookRequest request(Exchange exchange, byte[] body) {
        Message message = exchange.getMessage();
        Map<String, String> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (value instanceof String text && !name.startsWith("Camel")) {
                headers.put(name, text);
            }
        });
        String query = message.getHeader(Exchange.HTTP_QUERY, String.class);
        String url = message.getHeader(Exchange.HTTP_URL, String.class);
        if (url != null && query != null && !query.isEmpty()) {
            url = url + "?" + query;
        }
        return new WebhookRequest(message.getHeader(Exchange.HTTP_METHOD, "POST", String.class), url, headers,
                WebhookRequest.parseQuery(query), body);
    }

    private static void answer(Message message, WebhookHandshake answer) {
        // nothing of the request or of the bridge's own headers goes back to the platform
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        if (answer.contentType() != null) {
            message.setHeader(Exchange.CONTENT_TYPE, answer.contentType());
        }
        message.setBody(answer.body() == null ? "" : answer.body());
    }
}
