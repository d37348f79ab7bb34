package org.casebridge.ops;

import org.casebridge.shared.Hashes;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API clients allowed to call {@code /api/v1}: each presents its own key. Keys are compared by their SHA-256,
 * so configuration may hold only the hash ({@code key-sha256}).
 */
@Component
public class ApiClients {

    /** An authenticated client system or web form. */
    public record ApiClient(String id, boolean trustedIdentity) {
    }

    /** The example keys shipped in config/application.yaml: fine on loopback, never on a network. */
    static final java.util.List<String> SHIPPED_DEMO_KEYS = java.util.List.of("demo-key-change-me", "backoffice-key-change-me");

    private final Map<String, ApiClient> byKeyHash = new HashMap<>();
    private final Map<String, ApiClient> byId = new HashMap<>();

    public ApiClients(CasebridgeProperties properties) {
        for (CasebridgeProperties.Client client : properties.getApi().getClients()) {
            if (client.getId() == null || client.getId().isBlank()) {
                throw new IllegalStateException("casebridge.api.clients: every client needs an id");
            }
            String hash = client.getKeySha256() != null && !client.getKeySha256().isBlank()
                    ? client.getKeySha256().strip().toLowerCase(Locale.ROOT)
                    : client.getKey() != null && !client.getKey().isBlank() ? hash(client.getKey()) : null;
            if (hash == null) {
                throw new IllegalStateException("casebridge.api.clients: client '" + client.getId() + "' has neither key nor key-sha256");
            }
            ApiClient apiClient = new ApiClient(client.getId(), client.isTrustedIdentity());
            if (byKeyHash.put(hash, apiClient) != null) {
                throw new IllegalStateException("casebridge.api.clients: two clients share the key of '" + client.getId() + "'");
            }
            if (byId.put(client.getId(), apiClient) != null) {
                throw new IllegalStateException("casebridge.api.clients: duplicate client id '" + client.getId() + "'");
            }
        }
    }

    /** The ids of clients still using a key shipped as an example in the configuration. */
    public java.util.List<String> clientsWithDemoKeys() {
        return SHIPPED_DEMO_KEYS.stream().map(ApiClients::hash).map(byKeyHash::get).filter(java.util.Objects::nonNull)
                .map(ApiClient::id).toList();
    }

    /** Whether {@code key} is one of the example keys shipped in config/application.yaml. */
    public boolean isDemoKey(String key) {
        return key != null && SHIPPED_DEMO_KEYS.contains(key.strip());
    }

    /** The client owning {@code key}, if any. */
    public Optional<ApiClient> byKey(String key) {
        if (key == null || key.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byKeyHash.get(hash(key.strip())));
    }

    public Optional<ApiClient> byId(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    private static String hash(String key) {
        return Hashes.sha256Hex(key.getBytes(StandardCharsets.UTF_8));
    }
}
