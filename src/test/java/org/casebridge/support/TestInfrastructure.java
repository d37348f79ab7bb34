package org.casebridge.support;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives a test's bridge its own resources, so that several Spring contexts can live in one test JVM: a fresh data
 * folder, free ports for the embedded broker and the sandbox mail server, and unique JMX names.
 */
public final class TestInfrastructure {

    private TestInfrastructure() {
    }

    /**
     * Registers the isolating properties; {@code name} labels the folder and JMX names. Returns the sandbox ports. A
     * {@link BridgeContext} does this itself: this is for contexts built another way.
     */
    public static Ports isolate(DynamicPropertyRegistry registry, String name) {
        Ports ports = allocate(name);
        properties(name, ports).forEach((key, value) -> registry.add(key, () -> value));
        return ports;
    }

    /** A fresh data folder and free ports for the broker and the sandbox mail server. */
    public static Ports allocate(String name) {
        return new Ports(freePort(), freePort(), freePort(), tempDir(name));
    }

    /** The properties that put a bridge on {@code ports}, with unique broker and Camel names. */
    public static Map<String, Object> properties(String name, Ports ports) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("casebridge.data-dir", ports.dataDir().toString());
        properties.put("casebridge.broker.embedded-bind", "tcp://127.0.0.1:" + ports.broker());
        properties.put("casebridge.broker.embedded-name", "casebridge-" + name + "-" + ports.broker());
        properties.put("camel.main.name", "casebridge-" + name + "-" + ports.broker());
        properties.put("casebridge.email.sandbox.smtp-port", ports.smtp());
        properties.put("casebridge.email.sandbox.imap-port", ports.imap());
        properties.put("CASEBRIDGE_MAIL_PORT", ports.imap());
        properties.put("CASEBRIDGE_SMTP_PORT", ports.smtp());
        // tests read casebridge.cases.new themselves: the bridge's own delivery to back-office targets would take the
        // messages first (the delivery tests switch it on again with their own properties)
        properties.put("casebridge.backoffice.enabled", false);
        return properties;
    }

    /** The ports and folder a test bridge uses. */
    public record Ports(int broker, int smtp, int imap, Path dataDir) {
    }

    public static Path tempDir(String name) {
        try {
            Path base = Files.createDirectories(Path.of("target", "test-data").toAbsolutePath());
            return Files.createTempDirectory(base, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
