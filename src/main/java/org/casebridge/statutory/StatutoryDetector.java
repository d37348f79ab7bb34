package org.casebridge.statutory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a message against the detection rules of the enabled regimes: case-insensitive whole-word phrases, in English
 * and Welsh, in the subject and the text. Conservative on purpose (see the file's comments): no rule has exceptions.
 */
public final class StatutoryDetector {

    /** A rule that matched: which regime it starts, with what classification, and whether as an escalation. */
    public record Detection(String regime, String rule, String classification, String starts) {
    }

    private record Compiled(String regime, StatutoryRegimes.Rule rule, List<Pattern> phrases, List<Pattern> withAny) {
    }

    private final List<Compiled> rules = new ArrayList<>();

    public StatutoryDetector(StatutoryRegimes regimes) {
        for (StatutoryRegimes.Regime regime : regimes.enabled()) {
            for (StatutoryRegimes.Rule rule : regime.detection()) {
                rules.add(new Compiled(regime.name(), rule, patterns(rule.phrases()), patterns(rule.withAny())));
            }
        }
    }

    /** Every rule that matches {@code subject} and {@code text} (either may be null), in file order. */
    public List<Detection> detect(String subject, String text) {
        String all = ((subject == null ? "" : subject) + "\n" + (text == null ? "" : text))
                .replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        List<Detection> found = new ArrayList<>();
        for (Compiled c : rules) {
            if (anyMatch(c.phrases(), all) && (c.withAny().isEmpty() || anyMatch(c.withAny(), all))) {
                found.add(new Detection(c.regime(), c.rule().name(), c.rule().classification(), c.rule().starts()));
            }
        }
        return found;
    }

    private static boolean anyMatch(List<Pattern> patterns, String text) {
        return patterns.stream().anyMatch(p -> p.matcher(text).find());
    }

    private static List<Pattern> patterns(List<String> phrases) {
        return phrases.stream().map(phrase -> Pattern.compile("(?<![\\p{L}\\p{N}])"
                + String.join("\\s+", List.of(phrase.toLowerCase(Locale.ROOT).replace('\u2019', '\'').trim().split("\\s+"))
                        .stream().map(Pattern::quote).toList())
                + "(?![\\p{L}\\p{N}])", Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE)).toList();
    }
}
