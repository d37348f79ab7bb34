package org.casebridge.channel.webchat;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code casebridge.channels.webchat.*} settings: the sites that embed the widget, limits and the reply stream. */
@ConfigurationProperties("casebridge.channels.webchat")
public class WebchatProperties {

    /** Runs the web chat endpoints and routes; needs no vendor secret, so on by default. */
    private boolean enabled = true;
    /** The websites allowed to embed the widget. */
    private List<Site> sites = new ArrayList<>();
    /** Largest request body on {@code /webchat/v1/**} (413 above it): a chat line, not a document. */
    private DataSize maxRequestSize = DataSize.ofKilobytes(64);
    /** Longest visitor message, in characters. */
    private int maxTextLength = 4000;
    /** How often an instance looks in the database for replies to the visitors it streams to. */
    private Duration pollInterval = Duration.ofMillis(500);
    /** A comment line on every open stream this often, so proxies keep it open and dead clients are noticed. */
    private Duration heartbeat = Duration.ofSeconds(20);
    /** A stream is closed after this long; the browser reconnects at once with Last-Event-ID and misses nothing. */
    private Duration streamTimeout = Duration.ofMinutes(5);
    /** A visitor token not used for this long is forgotten (the visitor then starts afresh). */
    private Duration visitorRetention = Duration.ofDays(180);
    /** Replies stay available for replay this long. */
    private Duration eventRetention = Duration.ofDays(30);
    /** How often expired replies, visitors and rate counters are removed. */
    private Duration sweepInterval = Duration.ofHours(1);
    private final RateLimit rateLimit = new RateLimit();
    private final Demo demo = new Demo();

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public List<Site> getSites() { return sites; }
    public void setSites(List<Site> sites) { this.sites = sites; }
    public DataSize getMaxRequestSize() { return maxRequestSize; }
    public void setMaxRequestSize(DataSize maxRequestSize) { this.maxRequestSize = maxRequestSize; }
    public int getMaxTextLength() { return maxTextLength; }
    public void setMaxTextLength(int maxTextLength) { this.maxTextLength = maxTextLength; }
    public Duration getPollInterval() { return pollInterval; }
    public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
    public Duration getHeartbeat() { return heartbeat; }
    public void setHeartbeat(Duration heartbeat) { this.heartbeat = heartbeat; }
    public Duration getStreamTimeout() { return streamTimeout; }
    public void setStreamTimeout(Duration streamTimeout) { this.streamTimeout = streamTimeout; }
    public Duration getVisitorRetention() { return visitorRetention; }
    public void setVisitorRetention(Duration visitorRetention) { this.visitorRetention = visitorRetention; }
    public Duration getEventRetention() { return eventRetention; }
    public void setEventRetention(Duration eventRetention) { this.eventRetention = eventRetention; }
    public Duration getSweepInterval() { return sweepInterval; }
    public void setSweepInterval(Duration sweepInterval) { this.sweepInterval = sweepInterval; }
    public RateLimit getRateLimit() { return rateLimit; }
    public Demo getDemo() { return demo; }

    /**
     * A website that embeds the widget: its id, its public key (it names the site, like a publishable key; it is not
     * a secret) and the origins its pages are served from (CORS, and the Origin check on every call).
     */
    public static class Site {
        private String id;
        private String key;
        private List<String> allowedOrigins = new ArrayList<>();

        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getKey() { return key; }
        public void setKey(String key) { this.key = key; }
        public List<String> getAllowedOrigins() { return allowedOrigins; }
        public void setAllowedOrigins(List<String> allowedOrigins) { this.allowedOrigins = allowedOrigins; }
    }

    /** Requests allowed per window, counted in the database so every instance counts the same. */
    public static class RateLimit {
        private Duration window = Duration.ofMinutes(1);
        private int perVisitor = 20;
        private int perAddress = 60;

        public Duration getWindow() { return window; }
        public void setWindow(Duration window) { this.window = window; }
        public int getPerVisitor() { return perVisitor; }
        public void setPerVisitor(int perVisitor) { this.perVisitor = perVisitor; }
        public int getPerAddress() { return perAddress; }
        public void setPerAddress(int perAddress) { this.perAddress = perAddress; }
    }

    /** The demo page at {@code /webchat/demo.html}, embedding the widget for one configured site. */
    public static class Demo {
        private boolean enabled = true;
        private String site = "demo";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getSite() { return site; }
        public void setSite(String site) { this.site = site; }
    }
}
