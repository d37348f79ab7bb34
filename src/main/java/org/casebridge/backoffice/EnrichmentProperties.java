package org.casebridge.backoffice;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code casebridge.enrichment.*} settings: how the case enricher looks customers up in the housing system.
 * {@code config/application.yaml} documents each key.
 */
@ConfigurationProperties("casebridge.enrichment")
public class EnrichmentProperties {

    /** Off by default: a fresh machine has no housing system to ask. */
    private boolean enabled = false;
    /** {@code rest} or {@code sql}. */
    private String lookup = "rest";
    /** Names the lookup in {@code customer.enrichment.source} ({@code <lookup>:<name>}) and in the cache. */
    private String name = "housing";
    /** The longest a message waits for one lookup: a webhook sender is waiting. */
    private Duration timeout = Duration.ofMillis(800);
    /** How long a found customer is remembered. */
    private Duration cacheTtl = Duration.ofMinutes(15);
    /** How long "not found" is remembered (a new tenant should not wait long to be recognised). */
    private Duration notFoundTtl = Duration.ofMinutes(5);
    /** Most lookups running at once per instance; more are answered "unavailable" at once. */
    private int maxConcurrentLookups = 16;
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();
    private final Rest rest = new Rest();
    private final Sql sql = new Sql();

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getLookup() { return lookup; }
    public void setLookup(String lookup) { this.lookup = lookup; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
    public Duration getCacheTtl() { return cacheTtl; }
    public void setCacheTtl(Duration cacheTtl) { this.cacheTtl = cacheTtl; }
    public Duration getNotFoundTtl() { return notFoundTtl; }
    public void setNotFoundTtl(Duration notFoundTtl) { this.notFoundTtl = notFoundTtl; }
    public int getMaxConcurrentLookups() { return maxConcurrentLookups; }
    public void setMaxConcurrentLookups(int maxConcurrentLookups) { this.maxConcurrentLookups = maxConcurrentLookups; }
    public CircuitBreaker getCircuitBreaker() { return circuitBreaker; }
    public Rest getRest() { return rest; }
    public Sql getSql() { return sql; }

    /** When to stop asking a failing housing system for a while (resilience4j, count-based window). */
    public static class CircuitBreaker {
        /** Percentage of failed (or timed-out) lookups in the window that opens the breaker. */
        private float failureRateThreshold = 50;
        /** Lookups in the sliding window. */
        private int slidingWindowSize = 10;
        /** Lookups needed before the failure rate counts. */
        private int minimumNumberOfCalls = 5;
        /** How long the breaker stays open (every lookup answered "unavailable" at once) before it tries again. */
        private Duration waitInOpenState = Duration.ofSeconds(30);
        /** Trial lookups while half open. */
        private int permittedCallsInHalfOpenState = 2;

        public float getFailureRateThreshold() { return failureRateThreshold; }
        public void setFailureRateThreshold(float failureRateThreshold) { this.failureRateThreshold = failureRateThreshold; }
        public int getSlidingWindowSize() { return slidingWindowSize; }
        public void setSlidingWindowSize(int slidingWindowSize) { this.slidingWindowSize = slidingWindowSize; }
        public int getMinimumNumberOfCalls() { return minimumNumberOfCalls; }
        public void setMinimumNumberOfCalls(int minimumNumberOfCalls) { this.minimumNumberOfCalls = minimumNumberOfCalls; }
        public Duration getWaitInOpenState() { return waitInOpenState; }
        public void setWaitInOpenState(Duration waitInOpenState) { this.waitInOpenState = waitInOpenState; }
        public int getPermittedCallsInHalfOpenState() { return permittedCallsInHalfOpenState; }
        public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) { this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState; }
    }

    /** A housing system (or CRM) answering customer lookups over REST/JSON. */
    public static class Rest {
        /** e.g. https://housing.example.org/api */
        private String baseUrl = "";
        /** Path template per identity kind (email, phone, handle); {value}, {channel} are filled in, URL-encoded. */
        private Map<String, String> paths = new LinkedHashMap<>(Map.of(
                "email", "/customers?email={value}",
                "phone", "/customers?phone={value}"));
        /** Header carrying the API key (with api-key). */
        private String apiKeyHeader = "X-Api-Key";
        /** API key; empty: none sent. */
        private String apiKey = "";
        /** Bearer token (Authorization: Bearer ...); empty: none sent. */
        private String bearerToken = "";
        /** JSON pointers to the fields of the answer (an object, or an array whose first element is used). */
        private Map<String, String> fields = new LinkedHashMap<>(Map.of(
                "customer-id", "/customerId",
                "display-name", "/name",
                "tenancy-ref", "/tenancyRef",
                "property-ref", "/propertyRef",
                "flags", "/flags",
                "emails", "/emails",
                "phones", "/phones"));

        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
        public Map<String, String> getPaths() { return paths; }
        public void setPaths(Map<String, String> paths) { this.paths = paths; }
        public String getApiKeyHeader() { return apiKeyHeader; }
        public void setApiKeyHeader(String apiKeyHeader) { this.apiKeyHeader = apiKeyHeader; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public String getBearerToken() { return bearerToken; }
        public void setBearerToken(String bearerToken) { this.bearerToken = bearerToken; }
        public Map<String, String> getFields() { return fields; }
        public void setFields(Map<String, String> fields) { this.fields = fields; }
    }

    /** A housing system whose database (or a reporting replica) answers customer lookups in SQL. */
    public static class Sql {
        /** JDBC URL of the housing database; empty: the bridge's own database (e.g. a table kept in sync). */
        private String url = "";
        private String username = "";
        private String password = "";
        /**
         * Query per identity kind (email, phone, handle) with named parameters :value and :channel; columns
         * customer_id (required), display_name, tenancy_ref, property_ref, flags, emails, phones (comma-separated).
         */
        private Map<String, String> queries = new LinkedHashMap<>();

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public Map<String, String> getQueries() { return queries; }
        public void setQueries(Map<String, String> queries) { this.queries = queries; }
    }
}
