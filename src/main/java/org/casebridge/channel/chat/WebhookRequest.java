package org.casebridge.channel.chat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A webhook call as a platform made it: method, the URL it called (as the platform saw it, for schemes that sign the
 * URL), headers (names lower-case), query parameters and the raw body bytes, which signatures are checked over.
 */
public record WebhookRequest(String method, String url, Map<String, String> headers, Map<String, List<String>> query, byte[] body) {

    public WebhookRequest {
        Map<String, String> lower = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        }
        headers = Map.copyOf(lower);
        query = query == null ? Map.of() : Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }

    /** A POST of {@code body} with no headers, as the {@code normalise} command reads a saved payload. */
    public static WebhookRequest ofBody(byte[] body) {
        return new WebhookRequest("POST", null, Map.of(), Map.of(), body);
    }

    /** A header's value, or null; {@code name} in any case. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The first value of a query parameter, or null. */
    public String queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The body read as {@code application/x-www-form-urlencoded}: every key=value pair in order, repeated keys kept.
     */
    public List<Map.Entry<String, String>> formParameters() {
        return parseForm(bodyAsString());
    }

    /** Parses {@code a=1&b=2} (form encoding: {@code +} is a space), keeping order and repeated keys. */
    public static List<Map.Entry<String, String>> parseForm(String encoded) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (encoded == null || encoded.isEmpty()) {
            return pairs;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(Map.entry(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return pairs;
    }

    /** The query string of {@code url} read into parameters (repeated keys kept). */
    public static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : parseForm(rawQuery)) {
            query.computeIfAbsent(pair.getKey(), k -> new ArrayList<>()).add(pair.getValue());
        }
        return query;
    }
}
