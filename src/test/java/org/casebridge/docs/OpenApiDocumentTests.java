package org.casebridge.docs;

import org.junit.jupiter.api.Test;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/openapi.yaml} documents the whole HTTP API: every {@code platform-http} path in {@code routes/} and every
 * Spring MVC mapping is in it with its methods, and everything in it is served (by a route, a controller, or, as its
 * {@code x-casebridge-served-by} says, a static file, a view controller or an actuator endpoint).
 */
class OpenApiDocumentTests {

    private static final Path DOCUMENT = Path.of("docs/openapi.yaml");
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final Pattern PLATFORM_HTTP = Pattern.compile("platform-http:([^\\s\"'?]+)(\\?[^\\s\"']*)?");

    /** One operation of the document: path (variables as {}), method, and what serves it when not a route or controller. */
    record Operation(String path, String method, String servedBy) {}

    /** A platform-http consumer: its path, the methods it takes (empty: any), whether it matches sub-paths. */
    record RouteEndpoint(String file, String path, Set<String> methods, boolean prefix, Pattern template) {}

    @Test
    void documentsEveryRouteAndControllerPathAndNothingElse() throws Exception {
        List<Operation> documented = documentedOperations();
        List<RouteEndpoint> routes = routeEndpoints();
        Map<String, Set<String>> controllers = controllerMappings();
        assertThat(routes).as("platform-http consumers in routes/").hasSizeGreaterThan(10);
        assertThat(controllers).as("Spring MVC mappings").isNotEmpty();

        List<String> undocumented = new ArrayList<>();
        for (RouteEndpoint route : routes) {
            if (route.template() != null) {
                continue; // a route template: its instances are endpoints of their own (instancesOfTemplates)
            }
            Set<String> methods = methodsDocumented(documented, route.path());
            if (route.methods().isEmpty() ? methods.isEmpty() : !methods.containsAll(route.methods())) {
                undocumented.add(route.methods() + " " + route.path() + " (" + route.file() + ")");
            }
        }
        controllers.forEach((path, methods) -> {
            Set<String> documentedMethods = methodsDocumented(documented, path);
            if (methods.isEmpty() ? documentedMethods.isEmpty() : !documentedMethods.containsAll(methods)) {
                undocumented.add(methods + " " + path + " (Spring MVC)");
            }
        });

        List<String> notServed = new ArrayList<>();
        for (Operation operation : documented) {
            if (!served(operation, routes, controllers)) {
                notServed.add(operation.method() + " " + operation.path()
                        + (operation.servedBy() == null ? "" : " (x-casebridge-served-by: " + operation.servedBy() + ")"));
            }
        }

        assertThat(undocumented).as("served but missing from " + DOCUMENT).isEmpty();
        assertThat(notServed).as("in " + DOCUMENT + " but served by nothing").isEmpty();
    }

    @Test
    void isAnOpenApi3DocumentWithUniqueOperationIdsAndAnswers() throws IOException {
        Map<String, Object> document = document();
        assertThat(String.valueOf(document.get("openapi"))).startsWith("3.");
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        paths(document).forEach((path, item) -> item.forEach((method, operation) -> {
            if (!HTTP_METHODS.contains(method.toUpperCase())) {
                return;
            }
            Map<?, ?> op = (Map<?, ?>) operation;
            Object id = op.get("operationId");
            if (id == null || !ids.add(id.toString())) {
                problems.add(method + " " + path + ": operationId missing or repeated");
            }
            if (!(op.get("responses") instanceof Map<?, ?> responses) || responses.isEmpty()) {
                problems.add(method + " " + path + ": no responses");
            }
        }));
        assertThat(problems).isEmpty();
    }

    private static boolean served(Operation operation, List<RouteEndpoint> routes, Map<String, Set<String>> controllers) {
        if (operation.servedBy() != null) {
            return switch (operation.servedBy()) {
                case "static" -> Files.isRegularFile(Path.of("src/main/resources/static" + operation.path()));
                case "view" -> sourceContains("addViewController(\"" + operation.path() + "\")");
                case "actuator" -> operation.path().startsWith("/actuator/")
                        && exposedActuatorEndpoints().contains(operation.path().split("/")[2]);
                default -> false;
            };
        }
        for (RouteEndpoint route : routes) {
            boolean pathMatches = route.template() == null && (route.path().equals(operation.path())
                    || (route.prefix() && operation.path().startsWith(route.path() + "/")));
            if (pathMatches && (route.methods().isEmpty() || route.methods().contains(operation.method()))) {
                return true;
            }
        }
        Set<String> methods = controllers.get(operation.path());
        return methods != null && (methods.isEmpty() || methods.contains(operation.method()));
    }

    private static Set<String> methodsDocumented(List<Operation> documented, String path) {
        Set<String> methods = new TreeSet<>();
        documented.stream().filter(o -> o.path().equals(path)).forEach(o -> methods.add(o.method()));
        return methods;
    }

    static String normalise(String path) {
        return path.replaceAll("\\{[^}]*}", "{}");
    }

    private static List<Operation> documentedOperations() throws IOException {
        List<Operation> operations = new ArrayList<>();
        paths(document()).forEach((path, item) -> item.forEach((method, operation) -> {
            if (HTTP_METHODS.contains(method.toUpperCase())) {
                Object servedBy = ((Map<?, ?>) operation).get("x-casebridge-served-by");
                operations.add(new Operation(normalise(path), method.toUpperCase(),
                        servedBy == null ? null : servedBy.toString()));
            }
        }));
        assertThat(operations).as("operations in " + DOCUMENT).hasSizeGreaterThan(20);
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> paths(Map<String, Object> document) {
        return (Map<String, Map<String, Object>>) document.get("paths");
    }

    private static Map<String, Object> document() throws IOException {
        return new Yaml().load(Files.readString(DOCUMENT));
    }

    static List<RouteEndpoint> routeEndpoints() throws IOException {
        List<RouteEndpoint> endpoints = new ArrayList<>();
        for (Path file : ConfigReferenceTests.routeFiles()) {
            if (file.startsWith(Path.of("routes", "examples"))) {
                continue; // not loaded until copied into routes/
            }
            Matcher matcher = PLATFORM_HTTP.matcher(Files.readString(file));
            while (matcher.find()) {
                endpoints.add(endpoint(file.toString(), matcher.group(1), matcher.group(2)));
            }
        }
        instancesOfTemplates(endpoints);
        return endpoints;
    }

    private static RouteEndpoint endpoint(String file, String path, String query) {
        Map<String, String> options = options(query);
        Set<String> methods = new TreeSet<>();
        if (options.containsKey("httpMethodRestrict") && !options.get("httpMethodRestrict").contains("{{")) {
            Arrays.stream(options.get("httpMethodRestrict").split(","))
                    .map(m -> m.trim().toUpperCase()).forEach(methods::add);
        }
        boolean prefix = Boolean.parseBoolean(options.getOrDefault("matchOnUriPrefix", "false"));
        Pattern template = path.contains("{{")
                ? Pattern.compile(Arrays.stream(path.split("\\{\\{[^}]*}}", -1))
                        .map(part -> Pattern.quote(normalise(part))).reduce((a, b) -> a + ".+" + b).orElse(".+"))
                : null;
        return new RouteEndpoint(file, normalise(path), methods, prefix, template);
    }

    /**
     * A route template's {@code platform-http} endpoint is served once per {@code templatedRoute} that names it: its
     * {@code {{parameters}}} filled in with the instance's values, or the template's defaults.
     */
    @SuppressWarnings("unchecked")
    private static void instancesOfTemplates(List<RouteEndpoint> endpoints) throws IOException {
        Map<String, Map<String, Object>> templates = new TreeMap<>();
        Map<Path, Map<String, Object>> instances = new TreeMap<>();
        for (Path file : ConfigReferenceTests.routeFiles()) {
            if (file.startsWith(Path.of("routes", "examples")) || !file.toString().endsWith(".yaml")) {
                continue;
            }
            Object loaded = new Yaml().load(Files.readString(file));
            if (!(loaded instanceof List<?> items)) {
                continue;
            }
            for (Object item : items) {
                if (item instanceof Map<?, ?> map && map.get("routeTemplate") instanceof Map<?, ?> template) {
                    templates.put(String.valueOf(template.get("id")), (Map<String, Object>) template);
                } else if (item instanceof Map<?, ?> map && map.get("templatedRoute") instanceof Map<?, ?> instance) {
                    instances.put(file, (Map<String, Object>) instance);
                }
            }
        }
        instances.forEach((file, instance) -> {
            Map<String, Object> template = templates.get(String.valueOf(instance.get("routeTemplateRef")));
            assertThat(template).as(file + " names a route template that exists").isNotNull();
            Map<String, String> values = new LinkedHashMap<>();
            for (Map<String, Object> parameter : (List<Map<String, Object>>) template.getOrDefault("parameters", List.of())) {
                if (parameter.get("defaultValue") != null) {
                    values.put(String.valueOf(parameter.get("name")), String.valueOf(parameter.get("defaultValue")));
                }
            }
            for (Map<String, Object> parameter : (List<Map<String, Object>>) instance.getOrDefault("parameters", List.of())) {
                values.put(String.valueOf(parameter.get("name")), String.valueOf(parameter.get("value")));
            }
            Object from = ((Map<String, Object>) template.get("route")).get("from");
            String uri = String.valueOf(from instanceof Map<?, ?> f ? f.get("uri") : from);
            for (Map.Entry<String, String> value : values.entrySet()) {
                uri = uri.replace("{{" + value.getKey() + "}}", value.getValue());
            }
            Matcher matcher = PLATFORM_HTTP.matcher(uri);
            if (matcher.find()) {
                endpoints.add(endpoint(file.toString(), matcher.group(1), matcher.group(2)));
            }
        });
    }

    private static Map<String, String> options(String query) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query != null) {
            for (String option : query.substring(1).split("&")) {
                int equals = option.indexOf('=');
                if (equals > 0) {
                    options.put(option.substring(0, equals), option.substring(equals + 1));
                }
            }
        }
        return options;
    }

    /** Path -> methods (empty: any) of every {@code @RequestMapping} (and its shortcuts) on a controller. */
    static Map<String, Set<String>> controllerMappings() throws IOException {
        Map<String, Set<String>> mappings = new TreeMap<>();
        for (Class<?> type : ConfigReferenceTests.projectClasses()) {
            if (!AnnotatedElementUtils.hasAnnotation(type, Controller.class)) {
                continue;
            }
            RequestMapping typeMapping = AnnotatedElementUtils.findMergedAnnotation(type, RequestMapping.class);
            String[] prefixes = typeMapping == null || typeMapping.path().length == 0 ? new String[] {""} : typeMapping.path();
            for (Method method : type.getDeclaredMethods()) {
                RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
                if (mapping == null) {
                    continue;
                }
                String[] paths = mapping.path().length == 0 ? new String[] {""} : mapping.path();
                for (String prefix : prefixes) {
                    for (String path : paths) {
                        Set<String> methods = mappings.computeIfAbsent(normalise(prefix + path), p -> new TreeSet<>());
                        Arrays.stream(mapping.method()).map(RequestMethod::name).forEach(methods::add);
                    }
                }
            }
        }
        return mappings;
    }

    private static boolean sourceContains(String text) {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).anyMatch(f -> {
                try {
                    return Files.readString(f).contains(text);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<String> exposedActuatorEndpoints() {
        try {
            Map<String, Object> config = new Yaml().load(Files.readString(Path.of("config/application.yaml")));
            Map<String, Object> web = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                    config.get("management")).get("endpoints")).get("web");
            String include = ((Map<String, Object>) web.get("exposure")).get("include").toString();
            return Set.of(include.replace(" ", "").split(","));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
