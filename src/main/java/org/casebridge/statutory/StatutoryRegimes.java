package org.casebridge.statutory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.casebridge.sla.BusinessCalendar;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statutory regimes of {@code config/statutory-clocks.yaml} (Awaab's Law, the Complaint Handling Code, and any an
 * organisation adds): checked against {@code schema/statutory-clocks.schema.json}, then for what a schema cannot say
 * (a milestone running from a milestone that does not exist, a cycle, an unknown time zone).
 */
public final class StatutoryRegimes {

    /** Classpath location of the schema. */
    public static final String SCHEMA = "schema/statutory-clocks.schema.json";

    /** A milestone runs from the message that made the landlord aware. */
    public static final String AWARENESS = "awareness";
    /** A milestone runs from a request to escalate. */
    public static final String ESCALATION = "escalation";

    /** How far an extension may push a milestone: {@code upTo} counted from its due time or from its start. */
    public record Extension(StatutoryDuration upTo, boolean fromStart) {
    }

    /** One deadline of a regime. {@code appliesTo} empty: every classification. */
    public record Milestone(String name, Set<String> appliesTo, StatutoryDuration due, String from, Extension extension, String reference) {

        public boolean appliesTo(String classification) {
            return appliesTo.isEmpty() || appliesTo.contains(classification);
        }
    }

    /** A phrase rule: any of {@code phrases}, and, when given, any of {@code withAny}. */
    public record Rule(String name, String classification, String starts, List<String> phrases, List<String> withAny) {
    }

    /** One statutory regime. */
    public record Regime(String name, String title, String reference, boolean enabled, List<Milestone> milestones, List<Rule> detection) {

        public Optional<Milestone> milestone(String milestoneName) {
            return milestones.stream().filter(m -> m.name().equals(milestoneName)).findFirst();
        }
    }

    private final WorkingDays workingDays;
    private final Map<String, Regime> regimes;

    StatutoryRegimes(WorkingDays workingDays, List<Regime> regimes) {
        this.workingDays = workingDays;
        Map<String, Regime> byName = new LinkedHashMap<>();
        regimes.forEach(r -> byName.put(r.name(), r));
        this.regimes = byName;
    }

    public WorkingDays workingDays() {
        return workingDays;
    }

    /** Every regime, in file order, enabled or not. */
    public List<Regime> all() {
        return List.copyOf(regimes.values());
    }

    /** The enabled regimes. */
    public List<Regime> enabled() {
        return regimes.values().stream().filter(Regime::enabled).toList();
    }

    public Optional<Regime> regime(String name) {
        return Optional.ofNullable(regimes.get(name));
    }

    /** Reads and checks the file; every problem names the file and the key. */
    public static StatutoryRegimes load(Path file) {
        List<String> problems = new ArrayList<>();
        StatutoryRegimes loaded = check(file, problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        return loaded;
    }

    /** Reads the file, adding every problem to {@code problems} ({@code file: what}); null when there are any. */
    public static StatutoryRegimes check(Path file, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(file + ": statutory clocks file does not exist (casebridge.statutory.clocks-file)");
            return null;
        }
        JsonNode tree;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            tree = new ObjectMapper().valueToTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (RuntimeException e) {
            problems.add(file + ": YAML does not parse: " + e.getMessage());
            return null;
        }
        Set<ValidationMessage> messages = schema().validate(tree);
        if (!messages.isEmpty()) {
            messages.stream().map(m -> file + ": " + m.getMessage()).sorted().forEach(problems::add);
            return null;
        }
        try {
            return from(tree);
        } catch (IllegalArgumentException | DateTimeException e) {
            problems.add(file + ": " + e.getMessage());
            return null;
        }
    }

    private static JsonSchema schema() {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = StatutoryRegimes.class.getClassLoader().getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + SCHEMA + " on the classpath");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StatutoryRegimes from(JsonNode tree) {
        ZoneId zone = ZoneId.of(tree.path("time-zone").asText());
        JsonNode holidays = tree.path("bank-holidays");
        WorkingDays days = new WorkingDays(BusinessCalendar.workingDays(zone, holidays.path("country").asText(),
                holidays.path("region").asText(null)));
        List<Regime> regimes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tree.path("regimes").size(); i++) {
            JsonNode r = tree.path("regimes").get(i);
            String at = "regimes[" + i + "]";
            if (!names.add(r.path("name").asText())) {
                throw new IllegalArgumentException(at + ".name: regime " + r.path("name").asText() + " is defined twice");
            }
            List<Milestone> milestones = new ArrayList<>();
            for (int j = 0; j < r.path("milestones").size(); j++) {
                JsonNode m = r.path("milestones").get(j);
                JsonNode ext = m.path("extension");
                milestones.add(new Milestone(m.path("name").asText(), strings(m.path("for")).stream().collect(Collectors.toUnmodifiableSet()),
                        StatutoryDuration.parse(m.path("due").asText()), m.path("from").asText(),
                        ext.isMissingNode() ? null : new Extension(StatutoryDuration.parse(ext.path("up-to").asText()),
                                "start".equals(ext.path("counted-from").asText())),
                        m.path("reference").asText(r.path("reference").asText())));
            }
            checkMilestones(at, milestones);
            List<Rule> rules = new ArrayList<>();
            for (JsonNode d : r.path("detection")) {
                rules.add(new Rule(d.path("name").asText(), d.path("classification").asText(null), d.path("starts").asText(AWARENESS),
                        strings(d.path("phrases")), strings(d.path("with-any"))));
            }
            regimes.add(new Regime(r.path("name").asText(), r.path("title").asText(), r.path("reference").asText(),
                    r.path("enabled").asBoolean(true), List.copyOf(milestones), List.copyOf(rules)));
        }
        return new StatutoryRegimes(days, regimes);
    }

    /** Every milestone's {@code from} is awareness, escalation or another milestone, and following them ends. */
    private static void checkMilestones(String at, List<Milestone> milestones) {
        Map<String, Milestone> byName = new LinkedHashMap<>();
        for (Milestone m : milestones) {
            if (byName.put(m.name(), m) != null) {
                throw new IllegalArgumentException(at + ".milestones: " + m.name() + " is defined twice");
            }
        }
        for (Milestone m : milestones) {
            Set<String> seen = new HashSet<>();
            for (Milestone step = m; step != null; step = byName.get(step.from())) {
                if (!seen.add(step.name())) {
                    throw new IllegalArgumentException(at + ".milestones: " + m.name() + " runs from itself (a cycle through " + seen + ")");
                }
                if (!step.from().equals(AWARENESS) && !step.from().equals(ESCALATION) && !byName.containsKey(step.from())) {
                    throw new IllegalArgumentException(at + ".milestones." + step.name() + ".from: " + step.from()
                            + " is neither awareness, escalation nor a milestone of this regime");
                }
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return List.copyOf(values);
    }
}
