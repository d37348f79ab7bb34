package org.casebridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.awaitility.Awaitility;
import org.casebridge.support.BridgeContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A flow added or changed in the routes folder is (re)loaded while the bridge runs. */
@BridgeContext("reload")
class RouteReloadTests {

    private static final Path ROUTES = copyOfRoutes();

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern", () -> "file:" + ROUTES + "/*.yaml");
        registry.add("camel.main.routes-reload-directory", ROUTES::toString);
    }

    private static Path copyOfRoutes() {
        try {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-data")).toAbsolutePath(), "routes-");
            try (Stream<Path> files = Files.list(Path.of("routes"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String probeRoute(String answer) {
        return """
                - route:
                    id: probe-reload
                    description: A flow written while the bridge runs
                    from:
                      uri: direct:probe-reload
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(answer);
    }

    @Test
    void loadsNewFlowAndReloadsChangedFlow() throws Exception {
        assertThat(camel.getRoute("webform-api-to-case")).isNotNull();

        write("probe-reload.yaml", probeRoute("first"));
        awaitTrue(() -> camel.getRoute("probe-reload") != null);
        assertThat(producer.requestBody("direct:probe-reload", "", String.class)).isEqualTo("first");

        write("probe-reload.yaml", probeRoute("second"));
        awaitTrue(() -> "second".equals(producer.requestBody("direct:probe-reload", "", String.class)));
        assertThat(camel.getRoute("webform-api-to-case")).as("other flows keep running").isNotNull();
    }

    /** Writes a flow the way editors and deployment tools should: a temporary file, then an atomic rename. */
    private static void write(String name, String content) throws IOException {
        Path temp = ROUTES.resolve("." + name + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, ROUTES.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        // the route may be between stop and start while it reloads: a failing call is one more try
        Awaitility.await("the reloaded route").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(RuntimeException.class).until(condition::getAsBoolean);
    }
}
