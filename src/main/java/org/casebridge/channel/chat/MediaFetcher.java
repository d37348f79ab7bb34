package org.casebridge.channel.chat;

import org.casebridge.cases.Channel;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Fetches media from a platform's servers for the platforms' {@link ChatPlatform#download} methods: bounded in time
 * (the platform waits for our webhook answer meanwhile) and in size (read with a cap, never trusting a declared
 * length), following redirects because media URLs usually redirect to a CDN (without the platform's credentials),
 * and only from the platform's own hosts, never from an internal address ({@link MediaFetchPolicy}, every hop).
 */
@Component
public class MediaFetcher {

    private final ChatProperties properties;
    private final HttpClient client;
    private final MediaFetchPolicy policy;

    public MediaFetcher(ChatProperties properties) {
        this.properties = properties;
        this.policy = new MediaFetchPolicy(properties);
        this.client = HttpClient.newBuilder()
                .connectTimeout(properties.getMediaTimeout())
                // redirects are followed here, not by the client: see get()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The body of {@code GET url} with {@code headers} (e.g. a bearer token), as bytes with the response's content
     * type, if {@code channel} may fetch from there (else {@link MediaRefusedException}).
     */
    public ChatPlatform.MediaContent get(Channel channel, String url, Map<String, String> headers, String filename) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new MediaRefusedException("its URL is not a valid URL");
        }
        try {
            HttpResponse<InputStream> response = follow(channel, uri, headers);
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status / 100 == 4 && status != 408 && status != 429) {
                    // asking again will not help (gone, forbidden, too big for the platform's API): say so on the case
                    throw new MediaRefusedException("the platform refused it (HTTP " + status + ")");
                }
                if (status / 100 != 2) {
                    throw new MediaUnavailableException("Media at " + redact(url) + " answered HTTP " + status);
                }
                long max = properties.getMaxMediaSize().toBytes();
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
                if (bytes.length > max) {
                    throw new MediaTooLargeException("Media at " + redact(url) + " is larger than " + properties.getMaxMediaSize());
                }
                String type = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
                return new ChatPlatform.MediaContent(bytes, type, filename);
            }
        } catch (IOException e) {
            throw new MediaUnavailableException("Media at " + redact(url) + " could not be fetched: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaUnavailableException("Interrupted while fetching media at " + redact(url), e);
        }
    }

    /**
     * GETs {@code uri}, following up to five redirects. The credentials in {@code headers} go only to the origin they
     * were given for: media URLs redirect to a CDN with a signed URL, which must not see the platform's token (and
     * refuses a second authorisation). Java 17's client would forward them, so redirects are followed here.
     */
    private HttpResponse<InputStream> follow(Channel channel, URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        URI origin = uri;
        URI current = uri;
        for (int hop = 0; ; hop++) {
            policy.check(channel, current);
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(properties.getMediaTimeout()).GET();
            if (sameOrigin(origin, current)) {
                headers.forEach(request::header);
            }
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            var location = response.headers().firstValue("Location");
            if (status / 100 != 3 || status == 304 || location.isEmpty() || hop == 5) {
                return response;
            }
            response.body().close();
            current = current.resolve(location.get());
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getRawAuthority() != null
                && a.getRawAuthority().equalsIgnoreCase(b.getRawAuthority());
    }

    /** The URL without its query string, which may carry a token. */
    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    /** The platform could not give us the media now: the webhook fails and the platform delivers it again. */
    public static class MediaUnavailableException extends UncheckedIOException {
        public MediaUnavailableException(String message) {
            super(new IOException(message));
        }

        public MediaUnavailableException(String message, Throwable cause) {
            super(message, cause instanceof IOException io ? io : new IOException(cause));
        }

        @Override
        public String getMessage() {
            return getCause().getMessage();
        }
    }

    /**
     * The platform refuses the media for good (a 4xx other than timeout or rate limit): the message is kept without
     * it, and its text says so, rather than failing the webhook until the platform gives up and drops the message.
     */
    public static class MediaRefusedException extends RuntimeException {
        public MediaRefusedException(String message) {
            super(message);
        }
    }

    /** The media is over {@code casebridge.chat.max-media-size}: it stays on the platform and the message says so. */
    public static class MediaTooLargeException extends RuntimeException {
        public MediaTooLargeException(String message) {
            super(message);
        }
    }
}
