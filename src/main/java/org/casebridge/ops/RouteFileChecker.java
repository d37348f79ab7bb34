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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the flows in {@code routes/} the way camel-kamelets checks its templates: every file parses, holds one flow
 * whose id is the file name and which has a description, and every {@code {{placeholder}}} is defined in the
 * configuration. A route template ({@code routeTemplate}) describes each of its parameters, and its placeholders may
 * also be those parameters; a route made from a template ({@code templatedRoute}) is named by its {@code routeId},
 * names a template of the folder (when checked as a folder), gives every parameter the template needs and none it
 * does not know, and gives a {@code description}. Each finding names the file and line.
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
    private static final List<String> FLOW_KINDS = List.of("route", "routeConfiguration", "routeTemplate", "templatedRoute");
    /** The template parameter every route template of ours takes: the made route's description. */
    static final String DESCRIPTION_PARAMETER = "description";

    /** A route template's parameter: whether a route must give it (no default), and where it is declared. */
    record TemplateParameter(String name, boolean required, int line) {
    }

    /** A placeholder built from a template parameter, e.g. {@code casebridge.channels.{{channel}}.enabled}. */
    private static final Pattern NESTED = Pattern.compile("\\{\\{([^{}]*\\{\\{[^{}]+}}[^{}]*)}}");

    private final PropertyResolver properties;
    /** Per route template: its placeholders built from a parameter, checked with each templated route's values. */
    private final Map<String, List<String>> nestedPlaceholders = new TreeMap<>();

    public RouteFileChecker(PropertyResolver properties) {
        this.properties = properties;
    }

    /** Checks every {@code *.yaml} file directly in {@code dir}. */
    public List<Finding> checkFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of(new Finding(dir, 0, "routes folder does not exist"));
        }
        List<Finding> findings = new ArrayList<>();
        List<Path> yaml;
        try (Stream<Path> files = Files.list(dir)) {
            yaml = files.filter(f -> f.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            findings.add(new Finding(dir, 0, "cannot list routes folder: " + e.getMessage()));
            return findings;
        }
        // Camel adds every template before it makes templated routes, whatever the file order: so does the check
        Map<String, Map<String, TemplateParameter>> templates = new TreeMap<>();
        for (Path file : yaml) {
            templates.putAll(templatesIn(file));
            nestedPlaceholders.putAll(nestedPlaceholdersIn(file));
        }
        yaml.forEach(f -> findings.addAll(checkFile(f, templates)));
        return findings;
    }

    /** Checks one route file; a templated route in it is checked against the templates in the same file only. */
    public List<Finding> checkFile(Path file) {
        nestedPlaceholders.putAll(nestedPlaceholdersIn(file));
        return checkFile(file, templatesIn(file));
    }

    /** The placeholders built from a parameter in the route template of a file (one template per file). */
    private static Map<String, List<String>> nestedPlaceholdersIn(Path file) {
        Map<String, Map<String, TemplateParameter>> templates = templatesIn(file);
        if (templates.size() != 1) {
            return Map.of();
        }
        List<String> keys = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.stripLeading().startsWith("#")) {
                    Matcher m = NESTED.matcher(line);
                    while (m.find()) {
                        keys.add(m.group(1).strip());
                    }
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return Map.of(templates.keySet().iterator().next(), keys);
    }

    private List<Finding> checkFile(Path file, Map<String, Map<String, TemplateParameter>> templates) {
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
                checkFlow(file, item, expectedId, templates, findings);
            }
        }
        checkPlaceholders(file, text, parametersOf(root), findings);
        return findings;
    }

    /** The route templates a file declares, by id, with their parameters; nothing when it does not parse. */
    private static Map<String, Map<String, TemplateParameter>> templatesIn(Path file) {
        Map<String, Map<String, TemplateParameter>> templates = new TreeMap<>();
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return templates;
        }
        if (root instanceof SequenceNode flows) {
            for (Node item : flows.getValue()) {
                if (item instanceof MappingNode mapping && mapping.getValue().size() == 1
                        && mapping.getValue().get(0).getKeyNode() instanceof ScalarNode kind && kind.getValue().equals("routeTemplate")
                        && mapping.getValue().get(0).getValueNode() instanceof MappingNode template && scalar(template, "id") != null) {
                    templates.put(scalar(template, "id"), templateParameters(template));
                }
            }
        }
        return templates;
    }

    private static Map<String, TemplateParameter> templateParameters(MappingNode template) {
        Map<String, TemplateParameter> parameters = new LinkedHashMap<>();
        if (value(template, "parameters") instanceof SequenceNode list) {
            for (Node item : list.getValue()) {
                if (item instanceof MappingNode parameter && scalar(parameter, "name") != null) {
                    boolean required = !"false".equals(scalar(parameter, "required")) && value(parameter, "defaultValue") == null;
                    parameters.put(scalar(parameter, "name"), new TemplateParameter(scalar(parameter, "name"), required, line(parameter)));
                }
            }
        }
        return parameters;
    }

    /** The parameters of the route template(s) in a file: placeholders a template may use besides the configuration. */
    private static Set<String> parametersOf(Node root) {
        Set<String> names = new HashSet<>();
        if (root instanceof SequenceNode flows) {
            for (Node item : flows.getValue()) {
                if (item instanceof MappingNode mapping && mapping.getValue().size() == 1
                        && mapping.getValue().get(0).getKeyNode() instanceof ScalarNode kind && kind.getValue().equals("routeTemplate")
                        && mapping.getValue().get(0).getValueNode() instanceof MappingNode template) {
                    names.addAll(templateParameters(template).keySet());
                }
            }
        }
        return names;
    }

    private void checkFlow(Path file, Node item, String expectedId, Map<String, Map<String, TemplateParameter>> templates, List<Finding> findings) {
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
        if (kind.equals("templatedRoute")) {
            checkTemplatedRoute(file, fields, expectedId, templates, findings);
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
        if (kind.equals("routeTemplate")) {
            checkTemplate(file, fields, findings);
        }
    }

    /** A route template: every parameter named and described; the route it makes takes its description from one. */
    private static void checkTemplate(Path file, MappingNode template, List<Finding> findings) {
        String id = scalar(template, "id");
        if (value(template, "parameters") instanceof SequenceNode list) {
            for (Node item : list.getValue()) {
                if (!(item instanceof MappingNode parameter) || blank(scalar(parameter, "name"))) {
                    findings.add(new Finding(file, line(item), "routeTemplate '" + id + "': every parameter needs a name"));
                } else if (blank(scalar(parameter, "description"))) {
                    findings.add(new Finding(file, line(item), "routeTemplate '" + id + "': parameter '" + scalar(parameter, "name") + "' has no description"));
                }
            }
        }
        Node route = value(template, "route");
        String description = route instanceof MappingNode r ? scalar(r, "description") : null;
        if (!("{{" + DESCRIPTION_PARAMETER + "}}").equals(description)) {
            findings.add(new Finding(file, line(route == null ? template : route), "routeTemplate '" + id
                    + "': its route must take its description from the parameter '" + DESCRIPTION_PARAMETER + "' (description: \"{{" + DESCRIPTION_PARAMETER + "}}\")"));
        }
    }

    /** A route made from a template: routeId = file name, a known template, its parameters given, known and not empty. */
    private void checkTemplatedRoute(Path file, MappingNode fields, String expectedId, Map<String, Map<String, TemplateParameter>> templates,
                                            List<Finding> findings) {
        String id = scalar(fields, "routeId");
        if (blank(id)) {
            findings.add(new Finding(file, line(fields), "templatedRoute has no routeId (it must be '" + expectedId + "', the file name)"));
        } else if (!id.equals(expectedId)) {
            findings.add(new Finding(file, line(value(fields, "routeId")), "templatedRoute routeId '" + id + "' differs from the file name '" + expectedId + "'"));
        }
        String name = id == null ? expectedId : id;
        Map<String, Node> given = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        if (value(fields, "parameters") instanceof SequenceNode list) {
            for (Node item : list.getValue()) {
                String parameter = item instanceof MappingNode m ? scalar(m, "name") : null;
                if (blank(parameter)) {
                    findings.add(new Finding(file, line(item), "templatedRoute '" + name + "': every parameter needs a name and a value"));
                    continue;
                }
                given.put(parameter, value((MappingNode) item, "value"));
                lines.put(parameter, line(item));
            }
        }
        Node description = given.get(DESCRIPTION_PARAMETER);
        if (!(description instanceof ScalarNode d) || d.getValue().isBlank()) {
            findings.add(new Finding(file, line(fields), "templatedRoute '" + name + "' has no description (parameter '" + DESCRIPTION_PARAMETER + "')"));
        }
        String ref = scalar(fields, "routeTemplateRef");
        if (blank(ref)) {
            findings.add(new Finding(file, line(fields), "templatedRoute '" + name + "' has no routeTemplateRef"));
            return;
        }
        Map<String, TemplateParameter> template = templates.get(ref);
        if (template == null) {
            findings.add(new Finding(file, line(value(fields, "routeTemplateRef")), "route template '" + ref + "' does not exist (known: " + templates.keySet() + ")"));
            return;
        }
        for (TemplateParameter parameter : template.values()) {
            if (parameter.required() && !given.containsKey(parameter.name())) {
                findings.add(new Finding(file, line(fields), "templatedRoute '" + name + "' needs parameter '" + parameter.name() + "' of template '" + ref + "'"));
            }
        }
        for (Map.Entry<String, Node> entry : given.entrySet()) {
            if (!template.containsKey(entry.getKey())) {
                findings.add(new Finding(file, lines.get(entry.getKey()), "'" + entry.getKey() + "' is not a parameter of template '" + ref
                        + "' (its parameters: " + template.keySet() + ")"));
            } else if (!(entry.getValue() instanceof ScalarNode v) || v.getValue().isBlank()) {
                findings.add(new Finding(file, lines.get(entry.getKey()), "parameter '" + entry.getKey() + "' of template '" + ref + "' has no value"));
            }
        }
        // a placeholder the template builds from a parameter must be defined for this route's value
        for (String nested : nestedPlaceholders.getOrDefault(ref, List.of())) {
            Matcher m = PLACEHOLDER.matcher(nested);
            StringBuilder key = new StringBuilder();
            boolean known = true;
            while (m.find()) {
                Node v = given.get(m.group(1).strip());
                known &= v instanceof ScalarNode;
                m.appendReplacement(key, Matcher.quoteReplacement(v instanceof ScalarNode sv ? sv.getValue() : ""));
            }
            m.appendTail(key);
            String resolved = key.toString();
            if (known && !resolved.contains(":") && !properties.containsProperty(resolved)) {
                findings.add(new Finding(file, line(fields), "templatedRoute '" + name + "': template '" + ref + "' uses {{" + resolved
                        + "}} (from {{" + nested + "}}), which is not defined in the configuration"));
            }
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private void checkPlaceholders(Path file, String text, Set<String> templateParameters, List<Finding> findings) {
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
                if (templateParameters.contains(expression)) {
                    continue;
                }
                if (!properties.containsProperty(expression)) {
                    findings.add(new Finding(file, i + 1, "placeholder {{" + expression + "}} is not defined in the configuration"
                            + (templateParameters.isEmpty() ? "" : " nor a parameter of the route template")));
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
