package org.casebridge.channel.chat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The webhook signature schemes of the platforms casebridge takes messages from, each computed over the raw request
 * bytes exactly as sent (never over re-serialised JSON) and compared in constant time:
 * <ul>
 *   <li>{@code X-Hub-Signature-256} (Meta: WhatsApp Cloud API, Messenger, Instagram): {@code sha256=} hex HMAC-SHA256
 *       of the body with the app secret;</li>
 *   <li>Slack's {@code X-Slack-Signature} v0: {@code v0=} hex HMAC-SHA256 of {@code v0:timestamp:body};</li>
 *   <li>Twilio's {@code X-Twilio-Signature}: base64 HMAC-SHA1 of the full URL plus the sorted form parameters, or of
 *       the URL carrying {@code bodySHA256} for JSON bodies, with the port variants Twilio documents;</li>
 *   <li>X's {@code X-Twitter-Webhooks-Signature} and CRC answer: {@code sha256=} base64 HMAC-SHA256.</li>
 * </ul>
 */
public final class WebhookSignatures {

    /** How old a signed timestamp may be (either way, for clock skew) before the call counts as replayed. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

    private WebhookSignatures() {
    }

    /** {@code sha256=<hex>}: the X-Hub-Signature-256 value of {@code body}. */
    public static String hubSignature256(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", secret, body));
    }

    /** Whether {@code header} is the X-Hub-Signature-256 of {@code body} under {@code secret}. */
    public static boolean isValidHubSignature256(String secret, byte[] body, String header) {
        return header != null && secret != null && !secret.isEmpty()
                && constantTimeEquals(hubSignature256(secret, body), header.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code v0=<hex>}: Slack's signature of {@code body} sent at {@code timestamp} (seconds since the epoch, as sent). */
    public static String slackSignature(String signingSecret, String timestamp, byte[] body) {
        byte[] prefix = ("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8);
        byte[] base = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, base, 0, prefix.length);
        System.arraycopy(body, 0, base, prefix.length, body.length);
        return "v0=" + HexFormat.of().formatHex(hmac("HmacSHA256", signingSecret, base));
    }

    /**
     * Checks a Slack request: the signature, and that the timestamp is within {@code maxAge} of {@code now}.
     * Throws {@link WebhookSignatureException} saying which check failed.
     */
    public static void verifySlack(String signingSecret, String timestamp, byte[] body, String signature, Instant now, Duration maxAge) {
        requireFresh(timestamp, now, maxAge);
        if (signature == null || signingSecret == null || signingSecret.isEmpty()
                || !constantTimeEquals(slackSignature(signingSecret, timestamp.strip(), body), signature.strip())) {
            throw new WebhookSignatureException("The X-Slack-Signature header does not match the request.");
        }
    }

    /**
     * Refuses a signed timestamp (seconds since the epoch) that is missing, unreadable, or further than {@code maxAge}
     * from {@code now} in either direction: a replayed call carries an old timestamp it cannot re-sign.
     */
    public static Instant requireFresh(String timestamp, Instant now, Duration maxAge) {
        if (timestamp == null || timestamp.isBlank()) {
            throw new WebhookSignatureException("The request carries no signed timestamp.");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookSignatureException("The signed timestamp '" + timestamp + "' is not a number of seconds.");
        }
        Instant sent = Instant.ofEpochSecond(seconds);
        if (Duration.between(sent, now).abs().compareTo(maxAge) > 0) {
            throw new WebhookSignatureException("The signed timestamp " + sent + " is more than " + maxAge.toMinutes()
                    + " minutes from now: refused as a possible replay.");
        }
        return sent;
    }

    /** Twilio's signature of a form POST (or GET) to {@code url} with {@code params}, keys and values sorted. */
    public static String twilioSignature(String authToken, String url, List<Map.Entry<String, String>> params) {
        return twilioSignature(authToken, url, params, false);
    }

    private static String twilioSignature(String authToken, String url, List<Map.Entry<String, String>> params, boolean dropDuplicates) {
        List<Map.Entry<String, String>> sorted = new ArrayList<>(params == null ? List.of() : params);
        sorted.sort(Comparator.<Map.Entry<String, String>, String>comparing(Map.Entry::getKey).thenComparing(Map.Entry::getValue));
        StringBuilder data = new StringBuilder(url);
        Set<String> seen = new LinkedHashSet<>();
        for (Map.Entry<String, String> pair : sorted) {
            if (dropDuplicates && !seen.add(pair.getKey() + '\u0000' + pair.getValue())) {
                continue;
            }
            data.append(pair.getKey()).append(pair.getValue());
        }
        return Base64.getEncoder().encodeToString(hmac("HmacSHA1", authToken, data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Whether {@code signature} is Twilio's for a form request to {@code url}. Twilio may sign the URL with or without
     * an explicit port (and its libraries disagree on repeated identical parameters), so every variant is tried.
     */
    public static boolean isValidTwilio(String authToken, String url, List<Map.Entry<String, String>> params, String signature) {
        if (signature == null || authToken == null || authToken.isEmpty() || url == null) {
            return false;
        }
        for (String candidate : urlPortVariants(url)) {
            if (constantTimeEquals(twilioSignature(authToken, candidate, params, false), signature.strip())
                    || constantTimeEquals(twilioSignature(authToken, candidate, params, true), signature.strip())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code signature} is Twilio's for a JSON body: the URL carries {@code bodySHA256} (hex SHA-256 of the raw
     * body), which must match the body, and the signature covers the URL alone.
     */
    public static boolean isValidTwilioJson(String authToken, String url, byte[] body, String signature) {
        if (url == null) {
            return false;
        }
        String expectedHash = HexFormat.of().formatHex(sha256(body));
        String claimed = WebhookRequest.parseQuery(rawQuery(url)).getOrDefault("bodySHA256", List.of()).stream().findFirst().orElse(null);
        return claimed != null && constantTimeEquals(expectedHash, claimed.toLowerCase(java.util.Locale.ROOT))
                && isValidTwilio(authToken, url, List.of(), signature);
    }

    /** X's (Twitter's) CRC answer: {@code sha256=} base64 HMAC-SHA256 of the crc_token with the consumer secret. */
    public static String xCrcResponseToken(String consumerSecret, String crcToken) {
        return "sha256=" + Base64.getEncoder().encodeToString(hmac("HmacSHA256", consumerSecret, crcToken.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code header} is X's {@code X-Twitter-Webhooks-Signature} of {@code body}. */
    public static boolean isValidXSignature(String consumerSecret, byte[] body, String header) {
        return header != null && consumerSecret != null && !consumerSecret.isEmpty() && constantTimeEquals(
                "sha256=" + Base64.getEncoder().encodeToString(hmac("HmacSHA256", consumerSecret, body)), header.strip());
    }

    /** Compares two secrets or signatures in time independent of where they differ. */
    public static boolean constantTimeEquals(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    /** The URL as given, without its port, and with the scheme's default port made explicit (no duplicates). */
    static List<String> urlPortVariants(String url) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(url);
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null) {
                int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                variants.add(withPort(uri, -1));
                if (uri.getPort() == -1) {
                    variants.add(withPort(uri, defaultPort));
                }
            }
        } catch (URISyntaxException e) {
            // not a URL we can take apart: only the exact form can match
        }
        return List.copyOf(variants);
    }

    private static String withPort(URI uri, int port) throws URISyntaxException {
        // the raw parts, so percent-encoding in path and query stays exactly as signed
        StringBuilder url = new StringBuilder().append(uri.getScheme()).append("://");
        if (uri.getRawUserInfo() != null) {
            url.append(uri.getRawUserInfo()).append('@');
        }
        url.append(uri.getHost());
        if (port != -1) {
            url.append(':').append(port);
        }
        if (uri.getRawPath() != null) {
            url.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            url.append('?').append(uri.getRawQuery());
        }
        if (uri.getRawFragment() != null) {
            url.append('#').append(uri.getRawFragment());
        }
        return url.toString();
    }

    private static String rawQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? "" : url.substring(q + 1);
    }

    static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(String algorithm, String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }
}
