package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks customers up in a housing system's REST/JSON API: {@code GET <base-url><path template>} with an API key or a
 * bearer token. 200 with an object (or a non-empty array) is a customer, 404 or an empty array is "not found",
 * anything else is a failure. Which JSON fields hold what is configuration (JSON pointers), not code.
 */
class RestHousingLookup implements HousingLookup {

    private final EnrichmentProperties.Rest settings;
    private final String source;
    private final RestClient client;
    private final ObjectMapper mapper;

    RestHousingLookup(EnrichmentProperties properties, ObjectMapper mapper) {
        this.settings = properties.getRest();
        this.source = "rest:" + properties.getName();
        this.mapper = mapper;
        if (settings.getBaseUrl() == null || settings.getBaseUrl().isBlank()) {
            throw new IllegalStateException("casebridge.enrichment.lookup is rest but casebridge.enrichment.rest.base-url is not set");
        }
        Duration timeout = properties.getTimeout();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
        requests.setReadTimeout(timeout);
        RestClient.Builder builder = RestClient.builder().baseUrl(settings.getBaseUrl()).requestFactory(requests)
                .defaultHeader("Accept", MediaType.APPLICATION_JSON_VALUE);
        if (notBlank(settings.getApiKey())) {
            builder.defaultHeader(settings.getApiKeyHeader(), settings.getApiKey());
        }
        if (notBlank(settings.getBearerToken())) {
            builder.defaultHeader("Authorization", "Bearer " + settings.getBearerToken());
        }
        this.client = builder.build();
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public boolean supports(String kind) {
        return notBlank(settings.getPaths().get(kind));
    }

    @Override
    public Optional<HousingRecord> find(String kind, String value, String channel) throws Exception {
        String path = settings.getPaths().get(kind);
        return client.get().uri(path, Map.of("value", value, "channel", channel == null ? "" : channel, "kind", kind))
                .exchange((request, response) -> {
                    HttpStatusCode status = response.getStatusCode();
                    if (status.value() == 404) {
                        return Optional.empty();
                    }
                    if (!status.is2xxSuccessful()) {
                        throw new IllegalStateException(source + " answered " + status.value() + " for a " + kind + " lookup");
                    }
                    JsonNode json = mapper.readTree(response.getBody());
                    if (json == null || json.isNull() || json.isMissingNode()) {
                        return Optional.empty();
                    }
                    if (json.isArray()) {
                        if (json.isEmpty()) {
                            return Optional.empty();
                        }
                        json = json.get(0);
                    }
                    return Optional.of(toRecord(json));
                });
    }

    private HousingRecord toRecord(JsonNode json) {
        String customerId = text(json, "customer-id");
        if (customerId == null) {
            throw new IllegalStateException(source + " answered a customer without " + settings.getFields().get("customer-id"));
        }
        return new HousingRecord(customerId, text(json, "display-name"), text(json, "tenancy-ref"), text(json, "property-ref"),
                list(json, "flags"), list(json, "emails"), list(json, "phones"));
    }

    private String text(JsonNode json, String field) {
        JsonNode node = node(json, field);
        return node == null || node.isNull() || node.isMissingNode() || node.asText().isBlank() ? null : node.asText().strip();
    }

    private List<String> list(JsonNode json, String field) {
        JsonNode node = node(json, field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> {
                if (!item.isNull() && !item.asText().isBlank()) {
                    values.add(item.asText().strip());
                }
            });
        } else {
            Arrays.stream(node.asText().split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(values::add);
        }
        return values;
    }

    private JsonNode node(JsonNode json, String field) {
        String pointer = settings.getFields().get(field);
        return notBlank(pointer) ? json.at(pointer) : null;
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }
}
