package org.casebridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.casebridge.support.BridgeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every flow in routes/ follows the house rules and loads; a broken flow is caught with its file and line. */
class RouteFilesTests extends BridgeTest {

    private static final Path ROUTES = Path.of("routes");

    @Autowired
    CamelContext camel;

    /** The configuration exactly as an IT team ships it: config/application.yaml, no test overrides. */
    private static StandardEnvironment shippedConfiguration() throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("config", new FileSystemResource("config/application.yaml"))
                .forEach(source -> environment.getPropertySources().addLast(source));
        return environment;
    }

    @Test
    void shippedRouteFilesFollowTheRules() throws IOException {
        List<RouteFileChecker.Finding> findings = new RouteFileChecker(shippedConfiguration()).checkFolder(ROUTES);
        assertThat(findings).as("findings in routes/").isEmpty();
    }

    @Test
    void everyRouteFileIsLoadedWithItsFileNameAsRouteId() throws IOException {
        List<String> routeIds = camel.getRoutes().stream().map(Route::getRouteId).toList();
        try (Stream<Path> files = Files.list(ROUTES)) {
            List<String> flows = files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> read(f).contains("- route:") || read(f).contains("- templatedRoute:"))
                    .map(f -> f.getFileName().toString().replace(".yaml", "")).toList();
            assertThat(flows).isNotEmpty();
            assertThat(routeIds).containsAll(flows);
        }
        // routes made from a kamelet are described by the kamelet's title and description (checked by KameletChecker)
        assertThat(camel.getRoutes().stream().filter(route -> !route.isCreatedByKamelet()))
                .allSatisfy(route -> assertThat(route.getDescription()).as(route.getRouteId()).isNotBlank());
    }

    @Test
    void chatWebhookRoutesAreMadeFromOneTemplateWithTheirOwnDescriptionAndSwitch() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            List<Path> webhooks = files.filter(f -> f.getFileName().toString().endsWith("-webhook-to-case.yaml"))
                    .filter(f -> read(f).contains("routeTemplateRef: chat-webhook-to-case")).toList();
            assertThat(webhooks).hasSizeGreaterThanOrEqualTo(6);
            for (Path file : webhooks) {
                String id = file.getFileName().toString().replace(".yaml", "");
                assertThat(read(file).lines().count()).as(id + " lines").isLessThanOrEqualTo(15);
                Route route = camel.getRoute(id);
                assertThat(route).as(id).isNotNull();
                String text = read(file);
                String description = text.substring(text.indexOf("- name: description")).lines().skip(1).findFirst().orElseThrow()
                        .strip().replaceFirst("^value: ", "");
                assertThat(route.getDescription()).as(id).isEqualTo(description);
                // casebridge.channels.<channel>.enabled is false in this context: the route is there, not started
                assertThat(camel.getRouteController().getRouteStatus(id).isStarted()).as(id + " started").isFalse();
                assertThat(route.getEndpoint().getEndpointUri()).as(id).contains("/webhooks/" + id.replace("-webhook-to-case", ""));
            }
        }
    }

    @Test
    void templatedRouteMistakesAreRejectedWithFileAndLine(@TempDir Path dir) throws IOException {
        Files.copy(ROUTES.resolve("chat-webhook-to-case.yaml"), dir.resolve("chat-webhook-to-case.yaml"));
        Files.writeString(dir.resolve("mastodon-webhook-to-case.yaml"), """
                - templatedRoute:
                    routeTemplateRef: chat-webhook-to-case
                    routeId: mastodon-webhook
                    parameters:
                      - name: chanel
                        value: mastodon
                      - name: afterParse
                        value: ""
                """);
        Files.writeString(dir.resolve("bluesky-webhook-to-case.yaml"), """
                - templatedRoute:
                    routeTemplateRef: chat-webhok-to-case
                    routeId: bluesky-webhook-to-case
                    parameters:
                      - name: channel
                        value: bluesky
                      - name: description
                        value: Bluesky direct messages into cases
                """);
        Files.writeString(dir.resolve("matrix-webhook-to-case.yaml"), """
                - templatedRoute:
                    routeTemplateRef: chat-webhook-to-case
                    routeId: matrix-webhook-to-case
                    parameters:
                      - name: channel
                        value: matrix
                      - name: description
                        value: Matrix rooms into cases
                """);
        List<String> findings = new RouteFileChecker(shippedConfiguration()).checkFolder(dir).stream().map(Object::toString).toList();
        assertThat(findings).containsExactlyInAnyOrder(
                "matrix-webhook-to-case.yaml:2: templatedRoute 'matrix-webhook-to-case': template 'chat-webhook-to-case' uses"
                        + " {{casebridge.channels.matrix.enabled}} (from {{casebridge.channels.{{channel}}.enabled}}), which is not defined in the configuration",
                "bluesky-webhook-to-case.yaml:2: route template 'chat-webhok-to-case' does not exist (known: [chat-webhook-to-case])",
                "mastodon-webhook-to-case.yaml:3: templatedRoute routeId 'mastodon-webhook' differs from the file name 'mastodon-webhook-to-case'",
                "mastodon-webhook-to-case.yaml:2: templatedRoute 'mastodon-webhook' has no description (parameter 'description')",
                "mastodon-webhook-to-case.yaml:2: templatedRoute 'mastodon-webhook' needs parameter 'channel' of template 'chat-webhook-to-case'",
                "mastodon-webhook-to-case.yaml:2: templatedRoute 'mastodon-webhook' needs parameter 'description' of template 'chat-webhook-to-case'",
                "mastodon-webhook-to-case.yaml:5: 'chanel' is not a parameter of template 'chat-webhook-to-case' (its parameters: [channel, description, endpointOptions, afterParse])",
                "mastodon-webhook-to-case.yaml:7: parameter 'afterParse' of template 'chat-webhook-to-case' has no value");
    }

    @Test
    void routeTemplateMistakesAreRejectedWithFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("queue-to-log.yaml");
        Files.writeString(file, """
                - routeTemplate:
                    id: queue-to-log
                    description: logs a queue
                    parameters:
                      - name: queue
                        description: the queue
                      - name: description
                    route:
                      description: a fixed text
                      from:
                        uri: jms:queue:{{queue}}
                        steps:
                          - to: log:{{logger}}
                          - to: log:{{casebridge.queues.new-cases}}
                """);
        List<String> findings = new RouteFileChecker(shippedConfiguration()).checkFile(file).stream().map(Object::toString).toList();
        assertThat(findings).containsExactlyInAnyOrder(
                "queue-to-log.yaml:7: routeTemplate 'queue-to-log': parameter 'description' has no description",
                "queue-to-log.yaml:9: routeTemplate 'queue-to-log': its route must take its description from the parameter 'description' (description: \"{{description}}\")",
                "queue-to-log.yaml:13: placeholder {{logger}} is not defined in the configuration nor a parameter of the route template");
    }

    @Test
    void routeWithoutIdIsRejectedWithFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mail-to-case.yaml");
        Files.writeString(file, """
                - route:
                    description: no id here
                    from:
                      uri: direct:x
                      steps:
                        - log: hi
                """);
        List<RouteFileChecker.Finding> findings = new RouteFileChecker(shippedConfiguration()).checkFile(file);
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.toString()).startsWith("mail-to-case.yaml:2:").contains("no id");
        });
    }

    @Test
    void routeWithoutDescriptionOrWithForeignIdIsRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mail-to-case.yaml");
        Files.writeString(file, """
                - route:
                    id: something-else
                    from:
                      uri: direct:x
                      steps:
                        - log: hi
                """);
        List<String> messages = new RouteFileChecker(shippedConfiguration()).checkFile(file).stream().map(Object::toString).toList();
        assertThat(messages).anyMatch(m -> m.contains("differs from the file name 'mail-to-case'"));
        assertThat(messages).anyMatch(m -> m.contains("has no description"));
    }

    @Test
    void undefinedPlaceholderIsRejectedWithItsLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("case-to-crm.yaml");
        Files.writeString(file, """
                - route:
                    id: case-to-crm
                    description: sends cases to the CRM
                    from:
                      uri: jms:queue:{{casebridge.queues.new-cases}}
                      steps:
                        - to: http://{{crm.host}}/cases
                        - to: log:{{crm.log-name:crm}}
                        - to: log:{{env:HOME}}
                """);
        List<RouteFileChecker.Finding> findings = new RouteFileChecker(shippedConfiguration()).checkFile(file);
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(7);
            assertThat(f.message()).contains("{{crm.host}}");
        });
    }

    @Test
    void unparseableYamlIsRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "- route:\n    id: broken\n   description: [unclosed\n");
        assertThat(new RouteFileChecker(shippedConfiguration()).checkFile(file))
                .singleElement().satisfies(f -> assertThat(f.message()).startsWith("YAML does not parse"));
    }

    @Test
    void twoFlowsInOneFileAreRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("two.yaml");
        Files.writeString(file, """
                - route:
                    id: two
                    description: first
                    from: {uri: "direct:a", steps: [{log: a}]}
                - route:
                    id: two-b
                    description: second
                    from: {uri: "direct:b", steps: [{log: b}]}
                """);
        assertThat(new RouteFileChecker(shippedConfiguration()).checkFile(file).stream().map(Object::toString))
                .anyMatch(m -> m.contains("one flow per file"));
    }

    @Test
    void bridgeRefusesToStartWithABrokenRouteFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("nameless.yaml"), "- route:\n    from:\n      uri: direct:x\n      steps:\n        - log: hi\n");
        var check = new RouteFilesConfiguration().routeFilesCheck(shippedConfiguration(), dir.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check.beforeApplicationStart(camel))
                .hasMessageContaining("nameless.yaml:2: route has no id");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
