package org.casebridge.backoffice;

import org.apache.camel.Exchange;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates the bridge at a CRM: an API key in a header, or an OAuth2 access token obtained with the
 * client-credentials grant (Spring Security's OAuth2 client fetches it, keeps it and fetches a new one shortly before it
 * expires; a token is not state worth sharing between instances, each fetches its own).
 */
@Component("crmAuthentication")
public class CrmAuthentication {

    private static final AnonymousAuthenticationToken BRIDGE = new AnonymousAuthenticationToken("casebridge", "casebridge",
            AuthorityUtils.createAuthorityList("ROLE_CASEBRIDGE"));

    private final Map<String, AuthorizedClientServiceOAuth2AuthorizedClientManager> managers = new ConcurrentHashMap<>();

    /** Route step: sets the authentication header the kamelet's parameters ask for ({@code none}, {@code api-key}, {@code oauth2}). */
    public void apply(Exchange exchange) {
        String mode = exchange.getProperty(BackofficeHeaders.CRM_AUTH, "none", String.class).strip().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "none" -> {
            }
            case "api-key" -> {
                String header = exchange.getProperty(BackofficeHeaders.CRM_API_KEY_HEADER, "X-Api-Key", String.class);
                String key = exchange.getProperty(BackofficeHeaders.CRM_API_KEY, String.class);
                if (key == null || key.isBlank()) {
                    throw new IllegalStateException("CRM authentication api-key: no apiKey configured");
                }
                exchange.getMessage().setHeader(header, key);
            }
            case "oauth2" -> exchange.getMessage().setHeader("Authorization", "Bearer " + token(
                    exchange.getProperty(BackofficeHeaders.CRM_TOKEN_URL, String.class),
                    exchange.getProperty(BackofficeHeaders.CRM_CLIENT_ID, String.class),
                    exchange.getProperty(BackofficeHeaders.CRM_CLIENT_SECRET, String.class),
                    exchange.getProperty(BackofficeHeaders.CRM_SCOPE, String.class)));
            default -> throw new IllegalStateException("CRM authentication '" + mode + "' is not none, api-key or oauth2");
        }
    }

    /** An access token for the client at the token endpoint, fetched once and reused until shortly before it expires. */
    String token(String tokenUrl, String clientId, String clientSecret, String scope) {
        if (tokenUrl == null || tokenUrl.isBlank() || clientId == null || clientId.isBlank()) {
            throw new IllegalStateException("CRM authentication oauth2: tokenUrl and clientId are required");
        }
        String registrationId = "crm-" + Integer.toHexString((tokenUrl + "|" + clientId + "|" + scope).hashCode());
        AuthorizedClientServiceOAuth2AuthorizedClientManager manager = managers.computeIfAbsent(registrationId, id -> {
            ClientRegistration.Builder registration = ClientRegistration.withRegistrationId(id)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .tokenUri(tokenUrl).clientId(clientId).clientSecret(clientSecret == null ? "" : clientSecret);
            if (scope != null && !scope.isBlank()) {
                registration.scope(scope.split("[ ,]+"));
            }
            InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration.build());
            AuthorizedClientServiceOAuth2AuthorizedClientManager m = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
                    registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
            m.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
            return m;
        });
        OAuth2AuthorizedClient client = manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(registrationId).principal(BRIDGE).build());
        if (client == null) {
            throw new IllegalStateException("CRM authentication oauth2: no token from " + tokenUrl);
        }
        return client.getAccessToken().getTokenValue();
    }
}
