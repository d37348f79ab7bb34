package org.casebridge.channel.email;

import org.casebridge.cases.Trust;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether an email's sender is authenticated, from the {@code Authentication-Results} fields (RFC 8601) that the
 * organisation's own receiving servers added: only fields whose authserv-id is configured for the mailbox count,
 * since anyone can write such a field. {@code dmarc=pass} for the From domain gives {@code trust.method dmarc};
 * {@code dkim=pass} with a {@code header.d} aligned to the From domain gives {@code dkim}; anything else is
 * {@code none}, with the reason.
 */
public final class SenderAuthentication {

    private final Set<String> defaultIds;
    private final Map<String, Set<String>> idsByMailbox;

    /**
     * @param defaultIds   authserv-ids trusted for a mailbox that names none of its own
     * @param idsByMailbox authserv-ids per mailbox name (an empty set: that mailbox trusts none)
     */
    public SenderAuthentication(Collection<String> defaultIds, Map<String, ? extends Collection<String>> idsByMailbox) {
        this.defaultIds = lower(defaultIds);
        this.idsByMailbox = idsByMailbox.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> lower(e.getValue())));
    }

    /** Trusting no server: every sender is {@code none}. */
    public static SenderAuthentication none() {
        return new SenderAuthentication(List.of(), Map.of());
    }

    private static Set<String> lower(Collection<String> ids) {
        return ids == null ? Set.of() : ids.stream().filter(id -> id != null && !id.isBlank())
                .map(id -> id.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The trust of one mail read from {@code mailbox}.
     *
     * @param results    every Authentication-Results field's value, top (newest) first
     * @param fromEmail  the From address as the case keeps it, or null
     */
    public Trust assess(String mailbox, List<String> results, String fromEmail) {
        Set<String> trusted = idsByMailbox.getOrDefault(mailbox, defaultIds);
        String fromDomain = domain(fromEmail);
        if (trusted.isEmpty()) {
            return new Trust(false, "none", "sender not authenticated: no authserv-id is trusted for this mailbox");
        }
        if (fromDomain == null) {
            return new Trust(false, "none", "sender not authenticated: the From field has no address");
        }
        List<String> seen = new ArrayList<>();
        boolean anyTrusted = false;
        boolean dkimAligned = false;
        for (String value : results) {
            Parsed parsed = Parsed.of(value);
            if (parsed == null || !trusted.contains(parsed.authservId())) {
                continue; // written by someone else: anyone can add this field
            }
            anyTrusted = true;
            for (Result result : parsed.results()) {
                seen.add(result.method() + "=" + result.result());
                if (!"pass".equals(result.result())) {
                    continue;
                }
                if ("dmarc".equals(result.method()) && fromDomain.equals(result.property("header.from", fromDomain))) {
                    return new Trust(true, "dmarc");
                }
                if ("dkim".equals(result.method()) && aligned(result.property("header.d", null), fromDomain)) {
                    dkimAligned = true;
                }
            }
        }
        if (dkimAligned) {
            return new Trust(true, "dkim");
        }
        if (!anyTrusted) {
            return new Trust(false, "none", "sender not authenticated: no Authentication-Results from a trusted authserv-id");
        }
        return new Trust(false, "none", "sender not authenticated for " + fromDomain + ": "
                + (seen.isEmpty() ? "no results" : String.join(", ", seen.stream().distinct().toList())));
    }

    /** Relaxed alignment (RFC 7489): the signing domain is the From domain or a parent of it. */
    static boolean aligned(String signingDomain, String fromDomain) {
        if (signingDomain == null || signingDomain.isBlank()) {
            return false;
        }
        String d = trimDot(signingDomain.toLowerCase(Locale.ROOT));
        return d.contains(".") && (fromDomain.equals(d) || fromDomain.endsWith("." + d));
    }

    private static String domain(String email) {
        if (email == null) {
            return null;
        }
        int at = email.lastIndexOf('@');
        return at < 0 ? null : trimDot(email.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    private static String trimDot(String domain) {
        return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    }

    /** One method's result within a field: {@code dkim=pass header.d=example.org}. */
    record Result(String method, String result, Map<String, String> properties) {
        String property(String name, String otherwise) {
            String value = properties.get(name);
            return value == null ? otherwise : trimDot(value.toLowerCase(Locale.ROOT));
        }
    }

    /** An Authentication-Results value: its authserv-id and results, comments removed. */
    record Parsed(String authservId, List<Result> results) {

        static Parsed of(String value) {
            if (value == null) {
                return null;
            }
            String text = value;
            for (String previous = null; !text.equals(previous); ) {
                previous = text;
                text = text.replaceAll("\\([^()]*\\)", " ");
            }
            String[] parts = text.split(";");
            String[] head = parts[0].strip().split("\\s+");
            if (head.length == 0 || head[0].isEmpty()) {
                return null;
            }
            List<Result> results = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                String[] words = parts[i].strip().split("\\s+");
                if (words.length == 0 || !words[0].contains("=")) {
                    continue; // "none", or junk
                }
                String method = words[0].substring(0, words[0].indexOf('=')).toLowerCase(Locale.ROOT);
                String result = words[0].substring(words[0].indexOf('=') + 1).toLowerCase(Locale.ROOT);
                int slash = method.indexOf('/');
                method = slash < 0 ? method : method.substring(0, slash);
                java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
                for (int w = 1; w < words.length; w++) {
                    int eq = words[w].indexOf('=');
                    if (eq > 0) {
                        properties.putIfAbsent(words[w].substring(0, eq).toLowerCase(Locale.ROOT),
                                words[w].substring(eq + 1).replace("\"", ""));
                    }
                }
                results.add(new Result(method, result, Map.copyOf(properties)));
            }
            return new Parsed(trimDot(head[0].toLowerCase(Locale.ROOT)), List.copyOf(results));
        }
    }
}
