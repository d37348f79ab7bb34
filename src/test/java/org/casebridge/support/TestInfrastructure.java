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

    /** The bridge's own broker login in test contexts (every right). */
    public static final String BROKER_USER = "casebridge";
    public static final String BROKER_PASSWORD = "test-broker-password";
    /** A back-office login of the test broker: may write replies and updates, read new cases and deliveries. */
    public static final String BACKOFFICE_USER = "backoffice";
    public static final String BACKOFFICE_PASSWORD = "test-backoffice-password";

    /** The administrator of test contexts (role admin), and further users with one role each. */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";
    public static final String VIEWER_USER = "viewer";
    public static final String OPERATOR_USER = "operator";
    /** Two more administrators, for audit trails that must name who acted. */
    public static final String ALICE = "alice";
    public static final String BOB = "bob";
    /** The password of every further test user. */
    public static final String USER_PASSWORD = "test-user-password";


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
        properties.put("casebridge.broker.username", BROKER_USER);
        properties.put("casebridge.broker.password", BROKER_PASSWORD);
        properties.put("casebridge.broker.users[0].username", BACKOFFICE_USER);
        properties.put("casebridge.broker.users[0].password", BACKOFFICE_PASSWORD);
        // the whole list is replaced by these properties, roles included
        properties.put("casebridge.broker.users[0].roles[0]", "producer");
        properties.put("casebridge.broker.users[0].roles[1]", "consumer");
        properties.put("casebridge.admin.username", ADMIN_USER);
        // {noop}: the test users need no bcrypt round on every request
        properties.put("casebridge.admin.password", "{noop}" + ADMIN_PASSWORD);
        String[][] users = {{VIEWER_USER, "viewer"}, {OPERATOR_USER, "operator"}, {ALICE, "admin"}, {BOB, "admin"}};
        for (int i = 0; i < users.length; i++) {
            String[] user = users[i];
            properties.put("casebridge.admin.users[" + i + "].username", user[0]);
            properties.put("casebridge.admin.users[" + i + "].password", "{noop}" + USER_PASSWORD);
            properties.put("casebridge.admin.users[" + i + "].role", user[1]);
        }
        // the platforms' stubs run on 127.0.0.1, which the media fetch policy refuses unless named explicitly
        properties.put("casebridge.chat.media-internal-hosts", "127.0.0.1,localhost"); // WireMock's baseUrl() says localhost
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
