package org.casebridge.support;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Base of the tests that run the whole bridge: real HTTP on a random port, the embedded broker on a real TCP port,
 * H2 in a fresh temporary folder, and the real {@code config/} and {@code routes/}.
 */
@CamelSpringBootTest
@DisableJmx(false) // Hawtio reads Camel's MBeans: keep them, as in production
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "casebridge.errors.redelivery-delay=20",
        "casebridge.errors.maximum-redelivery-delay=100",
        "spring.jmx.unique-names=true"
})
public abstract class BridgeTest {

    /** The demo client's key from config/application.yaml. */
    protected static final String API_KEY = "demo-key-change-me";

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        Path dataDir = tempDir();
        int brokerPort = freePort();
        registry.add("casebridge.data-dir", dataDir::toString);
        registry.add("casebridge.broker.embedded-bind", () -> "tcp://127.0.0.1:" + brokerPort);
        registry.add("casebridge.broker.embedded-name", () -> "casebridge-test-" + RUN + "-" + brokerPort);
        registry.add("camel.main.name", () -> "casebridge-test-" + brokerPort);
    }

    private static Path tempDir() {
        try {
            Path base = Path.of("target", "test-data");
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), "bridge-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
