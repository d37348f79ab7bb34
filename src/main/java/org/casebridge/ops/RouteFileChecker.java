package org.casebridge.ops;

import org.springframework.core.env.PropertyResolver;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the flows in {@code routes/} the way camel-kamelets checks its templates: every file parses, holds one flow
 * whose id is the file name and which has a description, and every {@code {{placeholder}}} is defined in the
 * configuration. Each finding names the file and line.
 */
public final class RouteFileChecker {

    /** One thing wrong with a route file. */
    public record Finding(Path file, int line, String message) {
        @Override
        public String toString() {
            return file.getFileName() + ":" + line + ": " + message;
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");
    /** Camel property functions resolved at run time, not from configuration. */
    private static final List<String> FUNCTIONS = List.of("env:", "sys:", "sysenv:", "bean:", "ref:", "file:", "service:");
    private static final List<String> FLOW_KINDS = List.of("route", "routeConfiguration", "routeTemplate");

    private final PropertyResolver properties;

    public RouteFileChecker(PropertyResolver properties) {
        this.properties = properties;
    }

    /** Checks every {@code *.yaml} file directly in {@code dir}. */
    public List<Finding> checkFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of(new Finding(dir, 0, "routes folder does not exist"));
        }
        List<Finding> findings = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(f)).sorted()
                    .forEach(f -> findings.addAll(checkFile(f)));
        } catch (IOException e) {
            findings.add(new Finding(dir, 0, "cannot list routes folder: " + e.getMessage()));
        }
        return findings;
    }

    /** Checks one route file. */
    public List<Finding> checkFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(new Finding(file, 0, "cannot read: " + e.getMessage()));
        }
        List<Finding> findings = new ArrayList<>();
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            return List.of(new Finding(file, e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1,
                    "YAML does not parse: " + e.getProblem()));
        } catch (RuntimeException e) {
            return List.of(new Finding(file, 0, "YAML does not parse: " + e.getMessage()));
        }
        String expectedId = file.getFileName().toString().replaceFirst("\\.yaml$", "");
        if (!(root instanceof SequenceNode flows) || flows.getValue().isEmpty()) {
            findings.add(new Finding(file, 1, "expected a YAML list holding one flow (- route: ...)"));
        } else {
            if (flows.getValue().size() != 1) {
                findings.add(new Finding(file, line(flows.getValue().get(1)), "one flow per file: found " + flows.getValue().size()));
            }
            for (Node item : flows.getValue()) {
                checkFlow(file, item, expectedId, findings);
            }
        }
        checkPlaceholders(file, text, findings);
        return findings;
    }

    private void checkFlow(Path file, Node item, String expectedId, List<Finding> findings) {
        if (!(item instanceof MappingNode mapping) || mapping.getValue().size() != 1
                || !(mapping.getValue().get(0).getKeyNode() instanceof ScalarNode kindNode)) {
            findings.add(new Finding(file, line(item), "each list item must be one of " + FLOW_KINDS));
            return;
        }
        String kind = kindNode.getValue();
        if (!FLOW_KINDS.contains(kind)) {
            findings.add(new Finding(file, line(item), "unknown flow kind '" + kind + "', expected one of " + FLOW_KINDS));
            return;
        }
        Node body = mapping.getValue().get(0).getValueNode();
        if (!(body instanceof MappingNode fields)) {
            findings.add(new Finding(file, line(body), kind + " must be a mapping"));
            return;
        }
        String id = scalar(fields, "id");
        if (id == null || id.isBlank()) {
            findings.add(new Finding(file, line(body), kind + " has no id (it must be '" + expectedId + "', the file name)"));
        } else if (!id.equals(expectedId)) {
            findings.add(new Finding(file, line(value(fields, "id")), kind + " id '" + id + "' differs from the file name '" + expectedId + "'"));
        }
        String description = scalar(fields, "description");
        if (description == null || description.isBlank()) {
            findings.add(new Finding(file, line(body), kind + " '" + (id == null ? expectedId : id) + "' has no description"));
        }
    }

    private void checkPlaceholders(Path file, String text, List<Finding> findings) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(line);
            while (m.find()) {
                String expression = m.group(1).strip();
                if (FUNCTIONS.stream().anyMatch(expression::startsWith)) {
                    continue;
                }
                int colon = expression.indexOf(':');
                if (colon >= 0) {
                    continue; // {{key:default}} is always defined
                }
                if (!properties.containsProperty(expression)) {
                    findings.add(new Finding(file, i + 1, "placeholder {{" + expression + "}} is not defined in the configuration"));
                }
            }
        }
    }

    private static Node value(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static String scalar(MappingNode mapping, String key) {
        return value(mapping, key) instanceof ScalarNode s ? s.getValue() : null;
    }

    private static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
