package org.casebridge.channel.webchat;

import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The configured sites: which key names which site, and which origins may call the bridge for it. */
@Component
public class WebchatSites {

    private final WebchatProperties properties;

    public WebchatSites(WebchatProperties properties) {
        this.properties = properties;
    }

    /** The site with id {@code siteId} whose key is {@code key}; a 401 problem otherwise. */
    public WebchatProperties.Site authenticate(String siteId, String key) {
        Optional<WebchatProperties.Site> site = properties.getSites().stream().filter(s -> s.getId() != null && s.getId().equals(siteId)).findFirst();
        // compared in constant time, though the key is public: it costs nothing
        if (site.isEmpty() || key == null || site.get().getKey() == null || site.get().getKey().isBlank()
                || !MessageDigest.isEqual(site.get().getKey().getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            throw new RejectedRequestException(401, "invalid-site-key", "Unknown site or key",
                    "Send the site's id in " + WebchatHeaders.SITE + " and its key in " + WebchatHeaders.KEY + ", as configured in casebridge.channels.webchat.sites.");
        }
        return site.get();
    }

    /**
     * Checks the browser's Origin against the site's allowed origins (403 problem). {@code required}: a call that
     * writes (POST) must carry one; browsers always send it there, and a page of another site cannot hide it.
     */
    public void checkOrigin(WebchatProperties.Site site, String origin, boolean required) {
        if (origin == null || origin.isBlank()) {
            if (required) {
                throw new RejectedRequestException(403, "origin-not-allowed", "Origin not allowed",
                        "The request carries no Origin header; the web chat answers browsers on the site's allowed origins.");
            }
            return;
        }
        String normalised = normalise(origin);
        if (site.getAllowedOrigins().stream().map(WebchatSites::normalise).noneMatch(normalised::equals)) {
            throw new RejectedRequestException(403, "origin-not-allowed", "Origin not allowed",
                    "Origin " + origin + " is not an allowed origin of site '" + site.getId() + "'.");
        }
    }

    /** Whether any site allows {@code origin} (the CORS answer, before the site is known). */
    public boolean anySiteAllows(String origin) {
        String normalised = normalise(origin);
        return allOrigins().contains(normalised);
    }

    Set<String> allOrigins() {
        Set<String> all = new LinkedHashSet<>();
        properties.getSites().forEach(s -> s.getAllowedOrigins().forEach(o -> all.add(normalise(o))));
        return all;
    }

    /** scheme://host[:port], lower-case, default ports dropped, no trailing slash. */
    static String normalise(String origin) {
        if (origin == null) {
            return "";
        }
        String value = origin.strip();
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return value.toLowerCase(Locale.ROOT);
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return value.toLowerCase(Locale.ROOT);
        }
    }
}
