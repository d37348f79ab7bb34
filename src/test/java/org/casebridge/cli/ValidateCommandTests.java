package org.casebridge.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code casebridge validate}: the shipped routes/ and config/ pass (CI runs this); each kind of mistake is reported with file and line. */
class ValidateCommandTests {

    private record Result(int status, String out, String err) {
    }

    private static Result validate(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new ValidateCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A copy of the shipped routes/ and config/ to break. */
    private static Path[] copyOfShipped(Path dir) throws IOException {
        Path routes = dir.resolve("routes");
        Path config = dir.resolve("config");
        copy(Path.of("routes"), routes);
        copy(Path.of("config"), config);
        return new Path[]{routes, config};
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void shippedRoutesKameletsAndConfigurationAreValid() {
        Result result = validate();
        assertThat(result.out()).contains("are valid");
        assertThat(result.status()).as(result.out()).isZero();
    }

    @Test
    void brokenYamlIsReportedWithItsLine(@TempDir Path dir) throws IOException {
        Path[] shipped = copyOfShipped(dir);
        Files.writeString(shipped[0].resolve("case-to-broken.yaml"), "- route:\n    id: case-to-broken\n    from: [unclosed\n");
        Result result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("case-to-broken.yaml:").contains("YAML does not parse");
    }

    @Test
    void routeWithoutDescriptionAndUndefinedPlaceholderAreReported(@TempDir Path dir) throws IOException {
        Path[] shipped = copyOfShipped(dir);
        Path route = shipped[0].resolve("case-to-housing-queue.yaml");
        replace(route, "    description: Delivers each case to the housing system's JMS queue\n", "");
        replace(route, "{{casebridge.backoffice.housing.queue}}", "{{casebridge.backoffice.housing.queu}}");
        Result result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains(route + ":5: route 'case-to-housing-queue' has no description")
                .contains(route + ":13: placeholder {{casebridge.backoffice.housing.queu}} is not defined in the configuration");
    }

    @Test
    void missingUnknownAndMistypedKameletParametersAreReported(@TempDir Path dir) throws IOException {
        Path[] shipped = copyOfShipped(dir);
        Path crm = shipped[0].resolve("examples/case-to-crm.yaml");
        replace(crm, "              baseUrl: \"{{casebridge.backoffice.crm.base-url}}\"\n", "              baseUrI: \"{{casebridge.backoffice.crm.base-url}}\"\n");
        replace(crm, "timeout: \"{{casebridge.backoffice.crm.timeout}}\"", "timeout: ten seconds");
        replace(crm, "updateMethod: POST", "updateMethod: DELETE");
        Path files = shipped[0].resolve("case-to-housing-files.yaml");
        replace(files, "uri: kamelet:casebridge-file-sink", "uri: kamelet:casebridge-fil-sink");
        Result result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out())
                .contains(crm + ":12: kamelet 'casebridge-crm-sink' needs parameter 'baseUrl'")
                .contains(crm + ":14: 'baseUrI' is not a parameter of kamelet 'casebridge-crm-sink'")
                .contains("parameter 'timeout' of kamelet 'casebridge-crm-sink': 'ten seconds' is not an integer")
                .contains("parameter 'updateMethod' of kamelet 'casebridge-crm-sink': 'DELETE' is not one of [PATCH, PUT, POST]")
                .contains(files + ":12: kamelet 'casebridge-fil-sink' does not exist");
    }

    @Test
    void kameletSchemaMistakesAreReported(@TempDir Path dir) throws IOException {
        Path[] shipped = copyOfShipped(dir);
        Path kamelet = shipped[0].resolve("kamelets/casebridge-crm-sink.kamelet.yaml");
        replace(kamelet, "        format: password\n        x-descriptors:\n          - urn:camel:group:credentials\n          - urn:alm:descriptor:com.tectonic.ui:password\n        default: \"\"\n      tokenUrl:",
                "        default: \"\"\n      tokenUrl:");
        replace(kamelet, "        title: Call timeout\n", "");
        replace(kamelet, "        default: 10000\n", "        default: soon\n");
        replace(kamelet, "constant: \"{{scope}}\"", "constant: \"{{scopes}}\"");
        Files.move(kamelet, kamelet.resolveSibling("casebridge-crm.kamelet.yaml"));
        Result result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out())
                .contains("metadata.name 'casebridge-crm-sink' differs from the file name 'casebridge-crm'")
                .contains("parameter 'apiKey' looks like a secret: mark it format: password")
                .contains("parameter 'timeout' has no title")
                .contains("parameter 'timeout': default 'soon' is not an integer")
                .contains("placeholder {{scopes}} is neither a parameter of this kamelet nor defined in the configuration")
                .contains("kamelet 'casebridge-crm-sink' does not exist");
    }

    @Test
    void templatedRouteMistakesAreReported(@TempDir Path dir) throws IOException {
        Path[] shipped = copyOfShipped(dir);
        Path telegram = shipped[0].resolve("telegram-webhook-to-case.yaml");
        replace(telegram, "      - name: channel\n", "      - name: platform\n");
        Path template = shipped[0].resolve("chat-webhook-to-case.yaml");
        replace(template, "bean:chatIntake?method=verify", "bean:chatIntake?method=verify&timeout={{verifyTimeout}}");
        Result result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out())
                .contains(telegram + ":5: templatedRoute 'telegram-webhook-to-case' needs parameter 'channel' of template 'chat-webhook-to-case'")
                .contains(telegram + ":8: 'platform' is not a parameter of template 'chat-webhook-to-case'")
                .contains(template + ":").contains("placeholder {{verifyTimeout}} is not defined in the configuration nor a parameter of the route template");
    }

    @Test
    void brokenMappingIsReported(@TempDir Path dir) throws IOException {
        Path[] shipped = copyOfShipped(dir);
        Path mapping = shipped[1].resolve("crm/update-case.jslt");
        Files.writeString(mapping, "{\n  \"note\": .body.latest,\n  \"oops\": \n}\n");
        Result result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains(mapping + ":").contains("JSLT mapping does not compile");
    }

    @Test
    void unknownFolderIsAUsageError() {
        Result result = validate("--routes", "no/such/folder");
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("routes folder no/such/folder does not exist");
    }

    @Test
    void statutoryMilestoneFromAnUnknownMilestoneAndABadDurationAreReported(@TempDir Path dir) throws IOException {
        Path[] shipped = copyOfShipped(dir);
        Path clocks = shipped[1].resolve("statutory-clocks.yaml");
        replace(clocks, "        due: 3 working-days\n        from: investigate\n", "        due: 3 working-days\n        from: inspection\n");
        Result result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("statutory-clocks.yaml:").contains("written-summary.from: inspection");

        replace(clocks, "from: inspection", "from: investigate");
        replace(clocks, "due: 10 working-days\n        from: awareness", "due: 10 business-days\n        from: awareness");
        result = validate("--routes", shipped[0].toString(), "--config", shipped[1].toString());
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("statutory-clocks.yaml:").contains("does not match the regex pattern");
    }
}
