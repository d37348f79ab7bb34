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
import org.casebridge.cases.Priority;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code normalise --channel <platform>} part: reads saved webhook payloads with the platform's parser and prints
 * what they become. Signatures are not checked (they need the live request), media is listed but not fetched, and
 * every message is shown as opening a case (threading needs the database).
 */
final class ChatPayloads {

    /**
     * The platforms the command knows, by channel wire name, found on the class path rather than listed: every
     * {@link ChatPlatform} below {@code org.casebridge.channel} with a public static {@code forNormalise()}, which gives
     * the platform (or, for a class serving several channels, a list of them) with default settings, offline. A new
     * platform package is known here without touching this class.
     */
    static final Map<String, ChatPlatform> PLATFORMS = discover();

    private static Map<String, ChatPlatform> discover() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(ChatPlatform.class));
        Map<String, ChatPlatform> found = new TreeMap<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("org.casebridge.channel")) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), ChatPayloads.class.getClassLoader());
            Method factory = ReflectionUtils.findMethod(type, "forNormalise");
            if (factory == null || !Modifier.isStatic(factory.getModifiers()) || !Modifier.isPublic(factory.getModifiers())) {
                continue;
            }
            Object made = ReflectionUtils.invokeMethod(factory, null);
            List<?> platforms = made instanceof List<?> list ? list : List.of(made);
            for (Object platform : platforms) {
                ChatPlatform chat = (ChatPlatform) platform;
                found.put(chat.channel().wireName(), chat);
            }
        }
        return Collections.unmodifiableMap(found);
    }

    private final ObjectMapper mapper;
    private final CaseSchema schema;
    private final PrintStream out;
    private final PrintStream err;
    private final ChatNormalizer normalizer = new ChatNormalizer(Priority.P3, Duration.ofHours(24), "GB", Clock.systemUTC());

    ChatPayloads(ObjectMapper mapper, CaseSchema schema, PrintStream out, PrintStream err) {
        this.mapper = mapper;
        this.schema = schema;
        this.out = out;
        this.err = err;
    }

    int execute(String channel, Path path) {
        ChatPlatform platform = PLATFORMS.get(channel);
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
            // media is not fetched here: the body names each item as the live flow would before fetching it, and
            // the media list says where it is on the platform, its ref pending until the bridge fetches it
            List<String> notes = message.media().stream().map(media -> "[" + (media.filename() != null ? media.filename() : "attachment")
                    + (media.contentType() == null ? "" : " (" + media.contentType() + ")") + ", " + message.channel().wireName()
                    + (media.platformId() != null ? " media id " + media.platformId() : " media")
                    + ": fetched when the bridge receives the webhook]").toList();
            entry.set("case", mapper.readTree(schema.toValidatedJson(
                    normalizer.toCase(message, null, CaseThread.newCase(message.replyTo(), List.of()), List.of(), notes, null, platform.trust()))));
            if (!message.media().isEmpty()) {
                ArrayNode media = entry.putArray("media");
                for (ChatMessage.MediaRef ref : message.media()) {
                    ObjectNode item = mapper.valueToTree(ref);
                    item.put("ref", "pending");
                    media.add(item);
                }
            }
        }
        result.set("receipts", mapper.valueToTree(events.receipts()));
        JsonNode ignored = mapper.valueToTree(events.ignored());
        result.set("ignored", ignored);
        return result;
    }
}
