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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the project's route templates ({@code routes/kamelets/*.kamelet.yaml}) the way camel-kamelets checks its
 * catalogue, and the routes that use them: a kamelet's file name is its name, which ends in {@code -sink},
 * {@code -source} or {@code -action}; every parameter has a title, a description and a JSON-schema type, secrets are
 * marked {@code format: password}, every {@code {{placeholder}}} of the template is a parameter or configuration; a
 * route that uses a kamelet names an existing one, gives every required parameter, no unknown one, and values of the
 * declared type. Each finding names the file and line.
 */
public final class KameletChecker {

    /** A kamelet's parameter: its JSON-schema type, default, allowed values, and where it is declared. */
    record Parameter(String name, String type, String defaultValue, List<String> allowed, boolean required, int line) {
    }

    /** A kamelet as routes see it: its name and parameters. */
    record Kamelet(String name, Path file, Map<String, Parameter> parameters) {
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*-(sink|source|action)");
    private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|apikey|api-key|token|passphrase|privatekey)");
    private static final List<String> FUNCTIONS = List.of("env:", "sys:", "sysenv:", "bean:", "ref:", "file:", "service:");
    /** Endpoints every kamelet template has by definition. */
    private static final Set<String> BUILT_IN = Set.of("source", "sink");

    private final PropertyResolver properties;

    public KameletChecker(PropertyResolver properties) {
        this.properties = properties;
    }

    /** Checks the kamelets in {@code kameletsDir} and every route file directly in each of {@code routeDirs} that uses one. */
    public List<RouteFileChecker.Finding> check(Path kameletsDir, List<Path> routeDirs) {
        List<RouteFileChecker.Finding> findings = new ArrayList<>();
        Map<String, Kamelet> kamelets = new TreeMap<>();
        for (Path file : list(kameletsDir, ".kamelet.yaml", findings)) {
            Kamelet kamelet = checkKamelet(file, findings);
            if (kamelet != null) {
                kamelets.put(kamelet.name(), kamelet);
            }
        }
        for (Path dir : routeDirs) {
            for (Path file : list(dir, ".yaml", findings)) {
                checkUsages(file, kamelets, findings);
            }
        }
        return findings;
    }

    private static List<Path> list(Path dir, String suffix, List<RouteFileChecker.Finding> findings) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            findings.add(new RouteFileChecker.Finding(dir, 0, "cannot list folder: " + e.getMessage()));
            return List.of();
        }
    }

    Kamelet checkKamelet(Path file, List<RouteFileChecker.Finding> findings) {
        String text;
        Node root;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            findings.add(new RouteFileChecker.Finding(file, e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1,
                    "YAML does not parse: " + e.getProblem()));
            return null;
        } catch (IOException | RuntimeException e) {
            findings.add(new RouteFileChecker.Finding(file, 0, "cannot read: " + e.getMessage()));
            return null;
        }
        String expected = file.getFileName().toString().replaceFirst("\\.kamelet\\.yaml$", "");
        if (!(root instanceof MappingNode top)) {
            findings.add(new RouteFileChecker.Finding(file, 1, "a kamelet is a mapping with apiVersion, kind: Kamelet, metadata and spec"));
            return null;
        }
        if (!"Kamelet".equals(scalar(top, "kind"))) {
            findings.add(new RouteFileChecker.Finding(file, line(top), "kind must be Kamelet"));
        }
        MappingNode metadata = mapping(top, "metadata");
        String name = metadata == null ? null : scalar(metadata, "name");
        if (name == null) {
            findings.add(new RouteFileChecker.Finding(file, line(top), "metadata.name is missing (it must be '" + expected + "', the file name)"));
            name = expected;
        } else if (!name.equals(expected)) {
            findings.add(new RouteFileChecker.Finding(file, line(value(metadata, "name")), "metadata.name '" + name + "' differs from the file name '" + expected + "'"));
        }
        if (!NAME.matcher(name).matches()) {
            findings.add(new RouteFileChecker.Finding(file, line(metadata), "kamelet name '" + name + "' must be kebab-case and end in -sink, -source or -action"));
        }
        MappingNode spec = mapping(top, "spec");
        MappingNode definition = spec == null ? null : mapping(spec, "definition");
        if (definition == null) {
            findings.add(new RouteFileChecker.Finding(file, line(spec == null ? top : spec), "spec.definition (the parameters' JSON schema) is missing"));
            return new Kamelet(expected, file, Map.of());
        }
        for (String field : List.of("title", "description")) {
            if (blank(scalar(definition, field))) {
                findings.add(new RouteFileChecker.Finding(file, line(definition), "spec.definition has no " + field));
            }
        }
        Set<String> required = new LinkedHashSet<>();
        if (value(definition, "required") instanceof SequenceNode list) {
            for (Node item : list.getValue()) {
                if (item instanceof ScalarNode s) {
                    required.add(s.getValue());
                }
            }
        }
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        MappingNode props = mapping(definition, "properties");
        if (props != null) {
            for (NodeTuple tuple : props.getValue()) {
                String param = ((ScalarNode) tuple.getKeyNode()).getValue();
                if (!(tuple.getValueNode() instanceof MappingNode schema)) {
                    findings.add(new RouteFileChecker.Finding(file, line(tuple.getKeyNode()), "parameter '" + param + "' must be a JSON-schema mapping"));
                    continue;
                }
                for (String field : List.of("title", "description")) {
                    if (blank(scalar(schema, field))) {
                        findings.add(new RouteFileChecker.Finding(file, line(tuple.getKeyNode()), "parameter '" + param + "' has no " + field));
                    }
                }
                String type = scalar(schema, "type");
                if (type == null || !TYPES.contains(type)) {
                    findings.add(new RouteFileChecker.Finding(file, line(tuple.getKeyNode()), "parameter '" + param + "' has "
                            + (type == null ? "no type" : "type '" + type + "'") + " (one of " + new java.util.TreeSet<>(TYPES) + ")"));
                }
                if (SECRET.matcher(param).matches() && !"password".equals(scalar(schema, "format"))) {
                    findings.add(new RouteFileChecker.Finding(file, line(tuple.getKeyNode()), "parameter '" + param + "' looks like a secret: mark it format: password"));
                }
                List<String> allowed = new ArrayList<>();
                if (value(schema, "enum") instanceof SequenceNode values) {
                    values.getValue().forEach(v -> allowed.add(v instanceof ScalarNode s ? s.getValue() : ""));
                }
                String defaultValue = scalar(schema, "default");
                if (defaultValue != null && type != null) {
                    String problem = typeProblem(type, allowed, defaultValue);
                    if (problem != null) {
                        findings.add(new RouteFileChecker.Finding(file, line(value(schema, "default")), "parameter '" + param + "': default " + problem));
                    }
                }
                parameters.put(param, new Parameter(param, type, defaultValue, allowed, required.contains(param), line(tuple.getKeyNode())));
            }
        }
        for (String param : required) {
            if (!parameters.containsKey(param)) {
                findings.add(new RouteFileChecker.Finding(file, line(value(definition, "required")), "required parameter '" + param + "' is not among the properties"));
            }
        }
        Node template = spec == null ? null : value(spec, "template");
        if (template == null) {
            findings.add(new RouteFileChecker.Finding(file, line(spec == null ? top : spec), "spec.template (the route) is missing"));
        } else {
            checkTemplatePlaceholders(file, text, line(template), parameters, findings);
        }
        return new Kamelet(expected, file, parameters); // Camel finds a kamelet by its file name
    }

    private void checkTemplatePlaceholders(Path file, String text, int fromLine, Map<String, Parameter> parameters, List<RouteFileChecker.Finding> findings) {
        String[] lines = text.split("\n", -1);
        for (int i = Math.max(0, fromLine - 1); i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith("#")) {
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(lines[i]);
            while (m.find()) {
                String key = m.group(1).strip();
                if (FUNCTIONS.stream().anyMatch(key::startsWith) || key.contains(":") || parameters.containsKey(key) || properties.containsProperty(key)) {
                    continue;
                }
                findings.add(new RouteFileChecker.Finding(file, i + 1, "placeholder {{" + key + "}} is neither a parameter of this kamelet nor defined in the configuration"));
            }
        }
    }

    private void checkUsages(Path file, Map<String, Kamelet> kamelets, List<RouteFileChecker.Finding> findings) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return; // RouteFileChecker reports files that do not parse
        }
        walk(file, root, null, kamelets, findings);
    }

    private void walk(Path file, Node node, MappingNode parent, Map<String, Kamelet> kamelets, List<RouteFileChecker.Finding> findings) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                walk(file, tuple.getValueNode(), mapping, kamelets, findings);
            }
        } else if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(item -> walk(file, item, null, kamelets, findings));
        } else if (node instanceof ScalarNode scalar && scalar.getValue().startsWith("kamelet:")) {
            checkUsage(file, scalar, parent, kamelets, findings);
        }
    }

    private void checkUsage(Path file, ScalarNode uri, MappingNode parent, Map<String, Kamelet> kamelets, List<RouteFileChecker.Finding> findings) {
        String value = uri.getValue().substring("kamelet:".length());
        int query = value.indexOf('?');
        String name = (query < 0 ? value : value.substring(0, query)).replaceFirst("^/+", "");
        int slash = name.indexOf('/');
        if (slash >= 0) {
            name = name.substring(0, slash); // kamelet:name/routeId
        }
        if (BUILT_IN.contains(name)) {
            return;
        }
        Kamelet kamelet = kamelets.get(name);
        if (kamelet == null) {
            findings.add(new RouteFileChecker.Finding(file, line(uri), "kamelet '" + name + "' does not exist (known: " + kamelets.keySet() + ")"));
            return;
        }
        Map<String, ValueAt> given = new LinkedHashMap<>();
        if (query >= 0) {
            for (String pair : value.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                given.put(key, new ValueAt(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8), line(uri)));
            }
        }
        MappingNode parameters = parent == null ? null : mapping(parent, "parameters");
        if (parameters != null && value(parent, "uri") == uri) {
            for (NodeTuple tuple : parameters.getValue()) {
                String key = ((ScalarNode) tuple.getKeyNode()).getValue();
                String v = tuple.getValueNode() instanceof ScalarNode s ? s.getValue() : null;
                given.put(key, new ValueAt(v, line(tuple.getKeyNode())));
            }
        }
        for (Parameter parameter : kamelet.parameters().values()) {
            if (parameter.required() && parameter.defaultValue() == null && !given.containsKey(parameter.name())) {
                findings.add(new RouteFileChecker.Finding(file, line(uri), "kamelet '" + name + "' needs parameter '" + parameter.name() + "'"));
            }
        }
        for (Map.Entry<String, ValueAt> entry : given.entrySet()) {
            Parameter parameter = kamelet.parameters().get(entry.getKey());
            if (parameter == null) {
                if (!entry.getKey().equals("routeId")) {
                    findings.add(new RouteFileChecker.Finding(file, entry.getValue().line(), "'" + entry.getKey() + "' is not a parameter of kamelet '" + name
                            + "' (its parameters: " + kamelet.parameters().keySet() + ")"));
                }
                continue;
            }
            String resolved = resolve(entry.getValue().value());
            if (resolved == null) {
                continue; // an undefined placeholder: reported by the placeholder check
            }
            if (parameter.required() && resolved.isBlank()) {
                findings.add(new RouteFileChecker.Finding(file, entry.getValue().line(), "parameter '" + entry.getKey() + "' of kamelet '" + name + "' is required but empty"));
                continue;
            }
            String problem = parameter.type() == null ? null : typeProblem(parameter.type(), parameter.allowed(), resolved);
            if (problem != null) {
                findings.add(new RouteFileChecker.Finding(file, entry.getValue().line(), "parameter '" + entry.getKey() + "' of kamelet '" + name + "': " + problem));
            }
        }
    }

    private record ValueAt(String value, int line) {
    }

    /** The value with its configuration placeholders resolved; null when one cannot be (not defined, or only at run time). */
    private String resolve(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1).strip();
            String resolved;
            if (FUNCTIONS.stream().anyMatch(key::startsWith)) {
                return null;
            }
            int colon = key.indexOf(':');
            if (colon >= 0) {
                resolved = properties.getProperty(key.substring(0, colon), key.substring(colon + 1));
            } else {
                try {
                    resolved = properties.getProperty(key);
                } catch (IllegalArgumentException unresolvable) {
                    return null;
                }
            }
            if (resolved == null) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Why {@code value} does not fit the JSON-schema {@code type} (and enum), or null when it does. */
    static String typeProblem(String type, List<String> allowed, String value) {
        String v = value.strip();
        switch (type) {
            case "integer" -> {
                if (!v.matches("-?\\d+")) {
                    return "'" + value + "' is not an integer";
                }
            }
            case "number" -> {
                try {
                    Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    return "'" + value + "' is not a number";
                }
            }
            case "boolean" -> {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    return "'" + value + "' is not true or false";
                }
            }
            default -> {
            }
        }
        if (!allowed.isEmpty() && !allowed.contains(v) && !allowed.stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).equals(v.toLowerCase(Locale.ROOT)))) {
            return "'" + value + "' is not one of " + allowed;
        }
        return null;
    }

    private static Node value(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static MappingNode mapping(MappingNode mapping, String key) {
        return value(mapping, key) instanceof MappingNode m ? m : null;
    }

    private static String scalar(MappingNode mapping, String key) {
        return value(mapping, key) instanceof ScalarNode s ? s.getValue() : null;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
