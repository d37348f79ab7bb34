package org.casebridge.sla;

import org.casebridge.cases.Priority;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The triage rules file ({@code config/triage-rules.yaml}): phrase rules giving priority and category, and customer-flag rules. */
public final class TriageRules {

    /** What the rules make of a message: the priority (null: no rule matched), the category and the rules that matched. */
    public record Verdict(Priority priority, String category, List<String> matched, boolean chase) {
    }

    /** A phrase rule, compiled. */
    record PhraseRule(String name, String category, Priority priority, List<Phrase> phrases) {
    }

    /**
     * A phrase as its normalised words and its whole-word pattern. A match of the pattern always contains the words
     * as written (the text is normalised to single spaces too), so a plain {@code contains} rules most phrases out
     * before the regular expression runs: the triage of every message then costs a string search per phrase.
     */
    record Phrase(String words, Pattern pattern) {
        boolean in(String haystack) {
            return haystack.contains(words) && pattern.matcher(haystack).find();
        }
    }

    /** A flag rule: a customer with this flag gets at least this priority. */
    record FlagRule(String flag, Priority priority) {
    }

    private static final Pattern WHITE_SPACE = Pattern.compile("\\s+");

    private final List<PhraseRule> rules;
    private final List<FlagRule> flagRules;
    private final List<Phrase> chasePhrases;

    TriageRules(List<PhraseRule> rules, List<FlagRule> flagRules, List<Phrase> chasePhrases) {
        this.rules = List.copyOf(rules);
        this.flagRules = List.copyOf(flagRules);
        this.chasePhrases = List.copyOf(chasePhrases);
    }

    /** Reads and checks the rules file; every mistake names the file and the rule. */
    public static TriageRules load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Triage rules file " + file.toAbsolutePath() + " does not exist (casebridge.triage.rules-file)");
        }
        Settings settings;
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(file.toString(), new FileSystemResource(file));
            Binder binder = new Binder(ConfigurationPropertySources.from(sources), null, ApplicationConversionService.getSharedInstance());
            settings = binder.bindOrCreate(ConfigurationPropertyName.EMPTY, Bindable.of(Settings.class),
                    new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read triage rules " + file, e);
        } catch (BindException e) {
            throw new IllegalStateException(file + ": " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
        }
        try {
            return from(settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    static TriageRules from(Settings settings) {
        List<PhraseRule> rules = new ArrayList<>();
        for (int i = 0; i < settings.getRules().size(); i++) {
            Settings.Rule rule = settings.getRules().get(i);
            String where = "rules[" + i + "]" + (rule.getName() == null ? "" : " (" + rule.getName() + ")");
            if (rule.getName() == null || rule.getName().isBlank()) {
                throw new IllegalArgumentException(where + ": a rule needs a name");
            }
            if (rule.getPriority() == null && (rule.getCategory() == null || rule.getCategory().isBlank())) {
                throw new IllegalArgumentException(where + ": a rule needs a priority, a category or both");
            }
            if (rule.getPhrases().isEmpty()) {
                throw new IllegalArgumentException(where + ": a rule needs phrases");
            }
            if (rule.getCategory() != null && rule.getCategory().length() > 64) {
                throw new IllegalArgumentException(where + ": category longer than 64 characters");
            }
            List<Phrase> patterns = rule.getPhrases().stream().map(TriageRules::phrase).toList();
            rules.add(new PhraseRule(rule.getName(), rule.getCategory(), rule.getPriority(), patterns));
        }
        List<FlagRule> flags = new ArrayList<>();
        for (int i = 0; i < settings.getCustomerFlags().size(); i++) {
            Settings.Flag flag = settings.getCustomerFlags().get(i);
            if (flag.getFlag() == null || flag.getFlag().isBlank() || flag.getPriority() == null) {
                throw new IllegalArgumentException("customer-flags[" + i + "]: needs flag and priority");
            }
            flags.add(new FlagRule(flag.getFlag().strip().toLowerCase(Locale.ROOT), flag.getPriority()));
        }
        return new TriageRules(rules, flags, settings.getChasePhrases().stream().map(TriageRules::phrase).toList());
    }

    /** Applies the phrase rules to a message's subject and text. */
    public Verdict read(String subject, String text) {
        String haystack = normalise((subject == null ? "" : subject) + "\n" + (text == null ? "" : text));
        Priority best = null;
        String category = null;
        List<String> matched = new ArrayList<>();
        for (PhraseRule rule : rules) {
            if (rule.phrases().stream().anyMatch(p -> p.in(haystack))) {
                matched.add(rule.name());
                boolean moreUrgent = rule.priority() != null && (best == null || rule.priority().compareTo(best) < 0);
                if (moreUrgent) {
                    best = rule.priority();
                    if (rule.category() != null) {
                        category = rule.category();
                    }
                } else if (category == null && rule.category() != null && (rule.priority() == null || rule.priority() == best)) {
                    category = rule.category();
                }
            }
        }
        boolean chase = chasePhrases.stream().anyMatch(p -> p.in(haystack));
        return new Verdict(best, category, List.copyOf(matched), chase);
    }

    /** The most urgent priority the customer's flags call for, or null. */
    public Priority forFlags(Collection<String> flags) {
        Set<String> normalised = flags.stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return flagRules.stream().filter(r -> normalised.contains(r.flag())).map(FlagRule::priority).min(Priority::compareTo).orElse(null);
    }

    /** Lower case, typographic apostrophes straightened, runs of white space as one space. */
    static String normalise(String text) {
        String lowered = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replace('\u2019', '\'').replace('\u2018', '\'');
        return WHITE_SPACE.matcher(lowered).replaceAll(" ");
    }

    private static Phrase phrase(String phrase) {
        String words = normalise(phrase).strip();
        // whole words only: "damp" must not match "dampen"... but it should match "damp." and "damp,"
        return new Phrase(words, Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(words).replace(" ", "\\E\\s+\\Q") + "(?![\\p{L}\\p{N}])"));
    }

    /** The file as written. */
    public static class Settings {
        private List<Rule> rules = new ArrayList<>();
        private List<Flag> customerFlags = new ArrayList<>();
        private List<String> chasePhrases = new ArrayList<>();

        public List<String> getChasePhrases() { return chasePhrases; }
        public void setChasePhrases(List<String> chasePhrases) { this.chasePhrases = chasePhrases; }
        public List<Rule> getRules() { return rules; }
        public void setRules(List<Rule> rules) { this.rules = rules; }
        public List<Flag> getCustomerFlags() { return customerFlags; }
        public void setCustomerFlags(List<Flag> customerFlags) { this.customerFlags = customerFlags; }

        public static class Rule {
            private String name;
            private String category;
            private Priority priority;
            private List<String> phrases = new ArrayList<>();

            public String getName() { return name; }
            public void setName(String name) { this.name = name; }
            public String getCategory() { return category; }
            public void setCategory(String category) { this.category = category; }
            public Priority getPriority() { return priority; }
            public void setPriority(Priority priority) { this.priority = priority; }
            public List<String> getPhrases() { return phrases; }
            public void setPhrases(List<String> phrases) { this.phrases = phrases; }
        }

        public static class Flag {
            private String flag;
            private Priority priority;

            public String getFlag() { return flag; }
            public void setFlag(String flag) { this.flag = flag; }
            public Priority getPriority() { return priority; }
            public void setPriority(Priority priority) { this.priority = priority; }
        }
    }
}
