package org.casebridge.docs;

import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.ResolvableType;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
 * {@code config/application.yaml} is the only list of settings: every key the code reads
 * ({@code @ConfigurationProperties} classes and their bound properties, {@code @Value("${...}")}, {@code {{...}}}
 * placeholders in {@code routes/} and the kamelets) must be in it, with a comment.
 */
class ConfigReferenceTests {

    private static final Path CLASSES = Path.of("target/classes");
    private static final Path ROUTES = Path.of("routes");
    private static final Path CONFIG = Path.of("config/application.yaml");
    private static final Pattern CAMEL_PLACEHOLDER = Pattern.compile("\\{\\{\\??([^}]+)}}");
    private static final Pattern SPRING_PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

    @Test
    void everyKeyTheCodeReadsIsInTheConfigurationReference() throws Exception {
        ConfigFile config = ConfigFile.read(CONFIG);
        Map<String, String> read = keysTheCodeReads();

        List<String> missing = new ArrayList<>();
        List<String> uncommented = new ArrayList<>();
        read.forEach((key, where) -> {
            ConfigFile.Entry entry = config.find(key);
            if (entry == null) {
                missing.add(key + "  (read by " + where + ")");
            } else if (!entry.commented()) {
                uncommented.add(key + "  (" + CONFIG + ":" + entry.line() + ")");
            }
        });

        assertThat(read).as("keys found in the code").hasSizeGreaterThan(100);
        assertThat(missing).as("keys the code reads that config/application.yaml lacks").isEmpty();
        assertThat(uncommented).as("keys in config/application.yaml without a comment above or beside them").isEmpty();
    }

    @Test
    void aKeyWithoutAnyCommentIsFound() {
        ConfigFile config = ConfigFile.parse(List.of(
                "a:",
                "  # documented",
                "  b: 1",
                "  c: 2",
                "",
                "  d: 3",
                "  e: 4 # beside",
                "  list:",
                "    # one item",
                "    - id: x",
                "      f: y"));
        assertThat(config.find("a.b").commented()).isTrue();
        assertThat(config.find("a.c").commented()).as("one comment for a group of keys").isTrue();
        assertThat(config.find("a.d").commented()).as("a blank line ends the group").isFalse();
        assertThat(config.find("a.e").commented()).isTrue();
        assertThat(config.find("a.list.f").commented()).isTrue();
        assertThat(config.find("a.missing")).isNull();
    }

    /** Key -> where the code reads it. */
    static Map<String, String> keysTheCodeReads() throws Exception {
        Map<String, String> keys = new TreeMap<>();
        for (Class<?> type : projectClasses()) {
            ConfigurationProperties properties = type.getAnnotation(ConfigurationProperties.class);
            if (properties != null) {
                String prefix = !properties.prefix().isEmpty() ? properties.prefix() : properties.value();
                boundKeys(prefix, type, keys, type.getSimpleName(), new TreeSet<>());
            }
            List<AnnotatedElement> elements = new ArrayList<>();
            try {
                elements.addAll(List.of(type.getDeclaredFields()));
                for (Executable executable : Stream.concat(Stream.of(type.getDeclaredConstructors()),
                        Stream.of(type.getDeclaredMethods())).toList()) {
                    elements.add(executable);
                    elements.addAll(List.of(executable.getParameters()));
                }
            } catch (NoClassDefFoundError optional) {
                continue;
            }
            for (AnnotatedElement element : elements) {
                Value value = element.getAnnotation(Value.class);
                if (value == null) {
                    continue;
                }
                Matcher matcher = SPRING_PLACEHOLDER.matcher(value.value());
                while (matcher.find()) {
                    keys.putIfAbsent(matcher.group(1), type.getSimpleName() + " @Value");
                }
            }
        }
        for (Path file : routeFiles()) {
            String text = Files.readString(file);
            Set<String> parameters = file.toString().endsWith(".kamelet.yaml") ? kameletParameters(text)
                    : text.contains("routeTemplate:") ? templateParameters(text) : Set.of();
            Matcher matcher = CAMEL_PLACEHOLDER.matcher(text);
            while (matcher.find()) {
                String placeholder = matcher.group(1).trim();
                if (placeholder.startsWith("env:") || placeholder.startsWith("sys:")) {
                    continue;
                }
                if (placeholder.contains("{{")) {
                    // a key built from a template parameter (casebridge.channels.{{channel}}.enabled): RouteFileChecker
                    // checks it for each templated route's value, at start and in RouteFilesTests
                    continue;
                }
                String key = placeholder.contains(":") ? placeholder.substring(0, placeholder.indexOf(':')) : placeholder;
                if (parameters.contains(key)) {
                    continue;
                }
                keys.putIfAbsent(key, file.toString());
            }
        }
        return keys;
    }

    private static void boundKeys(String prefix, Class<?> type, Map<String, String> keys, String where, Set<String> seen) {
        if (!seen.add(type.getName())) {
            return;
        }
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            if (property.getReadMethod() == null || property.getName().equals("class")) {
                continue;
            }
            ResolvableType propertyType = ResolvableType.forMethodReturnType(property.getReadMethod());
            Class<?> raw = propertyType.resolve(Object.class);
            boolean nested = isProjectType(raw) && !raw.isEnum();
            if (property.getWriteMethod() == null && !nested) {
                continue;
            }
            String key = prefix + "." + kebab(property.getName());
            keys.putIfAbsent(key, where);
            if (nested) {
                boundKeys(key, raw, keys, where, seen);
            } else if (Collection.class.isAssignableFrom(raw)) {
                Class<?> element = propertyType.asCollection().getGeneric(0).resolve(Object.class);
                if (isProjectType(element) && !element.isEnum()) {
                    boundKeys(key, element, keys, where, seen);
                }
            } else if (Map.class.isAssignableFrom(raw)) {
                Class<?> element = propertyType.asMap().getGeneric(1).resolve(Object.class);
                if (isProjectType(element) && !element.isEnum()) {
                    // the map's keys are names the operator chooses; only the entries' own keys are fixed
                    boundKeys(key + ".*", element, keys, where, seen);
                }
            }
        }
        seen.remove(type.getName());
    }

    private static boolean isProjectType(Class<?> type) {
        return type.getName().startsWith("org.casebridge.");
    }

    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Set<String> kameletParameters(String text) {
        Set<String> names = new TreeSet<>();
        Matcher properties = Pattern.compile("(?m)^(\\s+)properties:\\s*$").matcher(text);
        if (!properties.find()) {
            return names;
        }
        int indent = properties.group(1).length() + 2;
        Matcher name = Pattern.compile("(?m)^ {" + indent + "}([A-Za-z0-9_-]+):\\s*$").matcher(text);
        name.region(properties.end(), text.length());
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    /** The parameters of a route template ({@code parameters: - name: x}): its placeholders are not settings. */
    private static Set<String> templateParameters(String text) {
        Set<String> names = new TreeSet<>();
        Matcher name = Pattern.compile("(?m)^\\s*-\\s*name:\\s*\"?([A-Za-z0-9_.-]+)\"?\\s*$").matcher(text);
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROUTES)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static List<Class<?>> projectClasses() throws IOException {
        assertThat(CLASSES).as("compiled classes").isDirectory();
        List<Class<?>> types = new ArrayList<>();
        ClassLoader loader = ConfigReferenceTests.class.getClassLoader();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    types.add(Class.forName(name, false, loader));
                } catch (ClassNotFoundException | LinkageError unloadable) {
                    // a class needing an optional library: it reads no settings we could check
                }
            }
        }
        return types;
    }

    /** {@code application.yaml} read line by line, because the YAML parsers drop the comments. */
    record ConfigFile(Map<String, Entry> entries) {

        record Entry(int line, boolean commented, String comment) {}

        static ConfigFile read(Path file) throws IOException {
            return parse(Files.readAllLines(file));
        }

        static ConfigFile parse(List<String> lines) {
            Pattern keyPattern = Pattern.compile("^([A-Za-z0-9_.\\-]+|\"[^\"]+\"):(\\s|$)(.*)");
            Map<String, Entry> entries = new TreeMap<>();
            record Level(int indent, String path) {}
            List<Level> stack = new ArrayList<>();
            boolean commentAbove = false;
            StringBuilder comment = new StringBuilder();
            Map<String, Boolean> groupCommented = new TreeMap<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String content = line.strip();
                if (content.isEmpty()) {
                    commentAbove = false;
                    comment.setLength(0);
                    groupCommented.clear();
                    continue;
                }
                if (content.startsWith("#")) {
                    commentAbove = true;
                    comment.append(content).append('\n');
                    continue;
                }
                int indent = line.length() - line.stripLeading().length();
                boolean item = content.startsWith("- ");
                if (item) {
                    content = content.substring(2).stripLeading();
                    indent = indent + 2;
                }
                Matcher key = keyPattern.matcher(content);
                if (!key.find()) {
                    commentAbove = false;
                    comment.setLength(0);
                    continue;
                }
                int level = indent;
                stack.removeIf(l -> l.indent() >= level);
                String parent = stack.isEmpty() ? "" : stack.get(stack.size() - 1).path();
                String name = key.group(1).replace("\"", "");
                String path = parent.isEmpty() ? name : parent + "." + name;
                boolean beside = key.group(3).matches(".*\\s#.*");
                String group = parent + "@" + indent;
                boolean commented = beside || commentAbove
                        || (!item && groupCommented.getOrDefault(group, false));
                groupCommented.put(group, commented);
                entries.putIfAbsent(path, new Entry(i + 1, commented, comment.toString()));
                stack.add(new Level(indent, path));
                commentAbove = false;
                comment.setLength(0);
            }
            return new ConfigFile(entries);
        }

        /**
         * The entry of a key. {@code a.*.b} matches {@code b} under any entry of the map {@code a} (or the map itself
         * while it holds none); a key the file does not set is documented when its parent's comment names it
         * ("key or key-sha256").
         */
        Entry find(String key) {
            if (key.contains("*")) {
                Pattern pattern = Pattern.compile(Pattern.quote(key).replace("*", "\\E[^.]+\\Q"));
                return entries.entrySet().stream().filter(e -> pattern.matcher(e.getKey()).matches())
                        .map(Map.Entry::getValue).findFirst()
                        .orElse(entries.get(key.substring(0, key.indexOf(".*"))));
            }
            Entry entry = entries.get(key);
            int dot = key.lastIndexOf('.');
            if (entry == null && dot > 0) {
                Entry parent = entries.get(key.substring(0, dot));
                if (parent != null && Pattern.compile("\\b" + Pattern.quote(key.substring(dot + 1)) + "\\b")
                        .matcher(parent.comment()).find()) {
                    return parent;
                }
            }
            return entry;
        }
    }
}
