package org.casebridge.support;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives a test's bridge its own resources, so that several Spring contexts can live in one test JVM: a fresh data
 * folder, free ports for the embedded broker and the sandbox mail server, and unique JMX names.
 */
public final class TestInfrastructure {

    private TestInfrastructure() {
    }

    /** Registers the isolating properties; {@code name} labels the folder and JMX names. Returns the sandbox ports. */
    public static Ports isolate(DynamicPropertyRegistry registry, String name) {
        Path dataDir = tempDir(name);
        int brokerPort = freePort();
        int smtpPort = freePort();
        int imapPort = freePort();
        registry.add("casebridge.data-dir", dataDir::toString);
        registry.add("casebridge.broker.embedded-bind", () -> "tcp://127.0.0.1:" + brokerPort);
        registry.add("casebridge.broker.embedded-name", () -> "casebridge-" + name + "-" + brokerPort);
        registry.add("camel.main.name", () -> "casebridge-" + name + "-" + brokerPort);
        registry.add("casebridge.email.sandbox.smtp-port", () -> smtpPort);
        registry.add("casebridge.email.sandbox.imap-port", () -> imapPort);
        registry.add("CASEBRIDGE_MAIL_PORT", () -> imapPort);
        registry.add("CASEBRIDGE_SMTP_PORT", () -> smtpPort);
        // tests read casebridge.cases.new themselves: the bridge's own delivery to back-office targets would take the
        // messages first (the delivery tests switch it on again after calling this)
        registry.add("casebridge.backoffice.enabled", () -> false);
        return new Ports(brokerPort, smtpPort, imapPort, dataDir);
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
