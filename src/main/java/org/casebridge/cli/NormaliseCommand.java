package org.casebridge.cli;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.Priority;
import org.casebridge.channel.email.EmailLimits;
import org.casebridge.channel.email.EmailNormalizer;
import org.casebridge.channel.email.EmailRejectedException;
import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code casebridge normalise [--channel email|whatsapp|...] PATH}: shows what a message becomes, without starting any
 * server. A mail prints its Case JSON (or its rejection); a webhook payload ({@link ChatPayloads}) the case messages,
 * receipts and passed-over events it carries; a folder prints one JSON object per line, in file-name order, each
 * naming its file. Attachments go to a temporary store that is deleted afterwards. Exit status: 0 when every file
 * became a case, 1 when at least one was rejected, 2 on a usage or I/O error.
 */
public final class NormaliseCommand {

    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final CaseSchema schema = new CaseSchema(mapper);
    private final PrintStream out;
    private final PrintStream err;

    NormaliseCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Entry point from {@code main}: returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        // no log lines on stdout: it carries only JSON
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.reset();
        }
        return new NormaliseCommand(out, err).execute(args);
    }

    int execute(String[] args) {
        String channel = "email";
        Path path = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--channel") && i + 1 < args.length) {
                channel = args[++i];
            } else if (args[i].startsWith("--channel=")) {
                channel = args[i].substring("--channel=".length());
            } else if (path == null && !args[i].startsWith("--")) {
                path = Path.of(args[i]);
            } else {
                return usage("unexpected argument '" + args[i] + "'");
            }
        }
        if (path == null) {
            return usage("no file or folder given");
        }
        if (!channel.equals("email") && !ChatPayloads.PLATFORMS.containsKey(channel)) {
            return usage("unknown channel '" + channel + "' (known: email, " + String.join(", ", ChatPayloads.PLATFORMS.keySet()) + ")");
        }
        if (!Files.exists(path)) {
            err.println("casebridge normalise: " + path + " does not exist");
            return 2;
        }
        if (!channel.equals("email")) {
            return new ChatPayloads(mapper, schema, out, err).execute(channel, path);
        }
        Path store = null;
        try {
            store = Files.createTempDirectory("casebridge-normalise-");
            EmailNormalizer normalizer = new EmailNormalizer(new AttachmentStore(new BlobStore("attachments", store, false)),
                    EmailLimits.defaults(), Priority.P3, Duration.ofHours(24), Clock.systemUTC());
            if (Files.isDirectory(path)) {
                boolean allCases = true;
                List<Path> files;
                try (Stream<Path> list = Files.list(path)) {
                    files = list.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
                }
                for (Path file : files) {
                    ObjectNode line = mapper.createObjectNode();
                    line.put("file", file.toString());
                    JsonNode result = normalise(normalizer, file);
                    allCases &= result.has("schemaVersion");
                    line.set(result.has("schemaVersion") ? "case" : "rejection", result);
                    out.println(mapper.writeValueAsString(line));
                }
                return allCases ? 0 : 1;
            }
            JsonNode result = normalise(normalizer, path);
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(
                    result.has("schemaVersion") ? result : mapper.createObjectNode().put("file", path.toString()).set("rejection", result)));
            return result.has("schemaVersion") ? 0 : 1;
        } catch (IOException e) {
            err.println("casebridge normalise: " + e.getMessage());
            return 2;
        } finally {
            delete(store);
        }
    }

    private JsonNode normalise(EmailNormalizer normalizer, Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        try {
            Case value = normalizer.normalise(raw, "file:" + file.getFileName(), null);
            return mapper.readTree(schema.toValidatedJson(value));
        } catch (EmailRejectedException e) {
            ObjectNode rejection = mapper.createObjectNode();
            rejection.put("type", "urn:casebridge:problem:" + e.reason());
            rejection.put("reason", e.reason());
            rejection.put("detail", e.detail());
            return rejection;
        }
    }

    private int usage(String problem) {
        err.println("casebridge normalise: " + problem);
        err.println("usage: java -jar casebridge.jar normalise [--channel email|" + String.join("|", ChatPayloads.PLATFORMS.keySet())
                + "] FILE|FOLDER");
        return 2;
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans up what is left
        }
    }
}
