package org.casebridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.CaseThread;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatNormalizer;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.sms.SmsPlatform;
import org.casebridge.channel.whatsapp.WhatsAppPlatform;
import org.casebridge.cases.Priority;
import org.casebridge.shared.RejectedRequestException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The {@code normalise --channel <platform>} part: reads saved webhook payloads with the platform's parser and prints
 * what they become. Signatures are not checked (they need the live request), media is listed but not fetched, and
 * every message is shown as opening a case (threading needs the database).
 */
final class ChatPayloads {

    /** The platforms the command knows, by channel wire name: each gives an instance with default settings, offline. */
    static final Map<String, Supplier<ChatPlatform>> PLATFORMS = new TreeMap<>();

    static {
        PLATFORMS.put("instagram", org.casebridge.channel.instagram.InstagramPlatform::forNormalise);
        PLATFORMS.put("messenger", org.casebridge.channel.messenger.MessengerPlatform::forNormalise);
        PLATFORMS.put("sms", SmsPlatform::forNormalise);
        PLATFORMS.put("telegram", org.casebridge.channel.telegram.TelegramPlatform::forNormalise);
        PLATFORMS.put("twitter", org.casebridge.channel.twitter.TwitterPlatform::forNormalise);
        PLATFORMS.put("webchat", org.casebridge.channel.webchat.WebchatPlatform::forNormalise);
        PLATFORMS.put("whatsapp", WhatsAppPlatform::forNormalise);
    }

    private final ObjectMapper mapper;
    private final CaseSchema schema;
    private final PrintStream out;
    private final PrintStream err;
    private final ChatNormalizer normalizer = new ChatNormalizer(Priority.P3, Duration.ofHours(24), "GB");

    ChatPayloads(ObjectMapper mapper, CaseSchema schema, PrintStream out, PrintStream err) {
        this.mapper = mapper;
        this.schema = schema;
        this.out = out;
        this.err = err;
    }

    int execute(String channel, Path path) {
        ChatPlatform platform = PLATFORMS.get(channel).get();
        try {
            if (Files.isDirectory(path)) {
                boolean allRead = true;
                List<Path> files;
                try (Stream<Path> list = Files.list(path)) {
                    files = list.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
                }
                for (Path file : files) {
                    ObjectNode result = read(platform, file);
                    allRead &= !result.has("rejection");
                    out.println(mapper.writeValueAsString(result));
                }
                return allRead ? 0 : 1;
            }
            ObjectNode result = read(platform, path);
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            return result.has("rejection") ? 1 : 0;
        } catch (IOException e) {
            err.println("casebridge normalise: " + e.getMessage());
            return 2;
        }
    }

    private ObjectNode read(ChatPlatform platform, Path file) throws IOException {
        ObjectNode result = mapper.createObjectNode();
        result.put("file", file.toString());
        WebhookEvents events;
        try {
            events = platform.parse(WebhookRequest.ofBody(Files.readAllBytes(file)));
        } catch (RejectedRequestException e) {
            ObjectNode rejection = result.putObject("rejection");
            rejection.put("type", "urn:casebridge:problem:" + e.slug());
            rejection.put("status", e.status());
            rejection.put("detail", e.getMessage());
            return result;
        }
        ArrayNode cases = result.putArray("cases");
        for (ChatMessage message : events.messages()) {
            ObjectNode entry = cases.addObject();
            entry.set("case", mapper.readTree(schema.toValidatedJson(
                    normalizer.toCase(message, null, CaseThread.newCase(message.replyTo(), List.of()), List.of(), List.of(), null, platform.trust()))));
            if (!message.media().isEmpty()) {
                entry.set("media", mapper.valueToTree(message.media()));
            }
        }
        result.set("receipts", mapper.valueToTree(events.receipts()));
        JsonNode ignored = mapper.valueToTree(events.ignored());
        result.set("ignored", ignored);
        return result;
    }
}
