package org.casebridge.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access tokens mailboxes and the outbox log in with over SASL XOAUTH2, from the token endpoint their
 * {@code oauth2.*} settings name (requests and responses by Nimbus OAuth 2.0 SDK, which Spring Security's OAuth2 client
 * itself builds on). A token is kept until shortly before it expires, so connecting and the IDLE loop never wait for
 * the token endpoint except once per token lifetime; {@link #invalidate} drops a token the mail server refused, so the
 * next login fetches a fresh one. Tokens and secrets are never logged or put in exception messages.
 */
@Component
public class MailTokens {

    private static final Logger LOG = LoggerFactory.getLogger(MailTokens.class);
    /** A token is renewed this long before it expires (a fifth of its lifetime if that is shorter). */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    /** When the endpoint does not say how long a token lives (expires_in is optional). */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(30);
    private static final int HTTP_TIMEOUT_MILLIS = 15_000;

    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Held> tokens = new ConcurrentHashMap<>();
    /** A rotated refresh token, when the endpoint returned a new one, by login. */
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();

    public MailTokens() {
        this(Clock.systemUTC());
    }

    MailTokens(Clock clock) {
        this.clock = clock;
    }

    private record Held(String value, Instant refreshAt) {
    }

    /**
     * A valid access token for {@code user} with {@code settings}, from the cache or fetched now.
     *
     * @param where the settings' key prefix, for error messages ({@code casebridge.email.mailboxes 'support': })
     */
    public String token(String user, MailOAuth2 settings, String where) {
        String key = key(user, settings);
        Held held = tokens.get(key);
        if (held != null && clock.instant().isBefore(held.refreshAt())) {
            return held.value();
        }
        synchronized (key.intern()) {
            held = tokens.get(key);
            if (held == null || !clock.instant().isBefore(held.refreshAt())) {
                held = fetch(key, user, settings, where);
                tokens.put(key, held);
            }
            return held.value();
        }
    }

    /** Forgets the token of {@code user}: the mail server refused it (revoked, or expired early). */
    public void invalidate(String user, MailOAuth2 settings) {
        tokens.remove(key(user, settings));
    }

    private static String key(String user, MailOAuth2 settings) {
        return settings.getGrant() + "|" + settings.getTokenUri() + "|" + settings.getClientId() + "|" + settings.getScope() + "|" + user;
    }

    private Held fetch(String key, String user, MailOAuth2 settings, String where) {
        Instant now = clock.instant();
        try {
            TokenRequest request = request(key, user, settings, where, now);
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(HTTP_TIMEOUT_MILLIS);
            http.setReadTimeout(HTTP_TIMEOUT_MILLIS);
            TokenResponse response = TokenResponse.parse(http.send());
            if (!response.indicatesSuccess()) {
                TokenErrorResponse error = response.toErrorResponse();
                String code = error.getErrorObject() == null ? null : error.getErrorObject().getCode();
                String description = error.getErrorObject() == null ? null : error.getErrorObject().getDescription();
                throw new MailTokenException(where + "oauth2: the token endpoint " + endpoint(settings, where) + " refused: "
                        + (code == null ? "HTTP " + error.getErrorObject().getHTTPStatusCode() : code)
                        + (description == null ? "" : " (" + description + ")"));
            }
            AccessTokenResponse success = response.toSuccessResponse();
            RefreshToken rotated = success.getTokens().getRefreshToken();
            if (rotated != null && settings.getGrant() == MailOAuth2.Grant.REFRESH_TOKEN) {
                refreshTokens.put(key, rotated.getValue());
            }
            long seconds = success.getTokens().getAccessToken().getLifetime();
            Duration lifetime = seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT_LIFETIME;
            Duration margin = lifetime.dividedBy(5).compareTo(REFRESH_MARGIN) < 0 ? lifetime.dividedBy(5) : REFRESH_MARGIN;
            LOG.info("{}oauth2: new XOAUTH2 access token for {} from {}, valid {} s", where, user, endpoint(settings, where), lifetime.toSeconds());
            return new Held(success.getTokens().getAccessToken().getValue(), now.plus(lifetime).minus(margin));
        } catch (IOException e) {
            throw new MailTokenException(where + "oauth2: cannot reach the token endpoint " + endpoint(settings, where) + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new MailTokenException(where + "oauth2: the token endpoint " + endpoint(settings, where) + " answered no token response: "
                    + e.getMessage(), e);
        }
    }

    private TokenRequest request(String key, String user, MailOAuth2 settings, String where, Instant now) throws IOException {
        Scope scope = settings.getScope() == null || settings.getScope().isBlank() ? null : Scope.parse(settings.getScope().replace(',', ' '));
        return switch (settings.getGrant()) {
            case CLIENT_CREDENTIALS -> new TokenRequest(URI.create(settings.getTokenUri()), clientAuthentication(settings, where),
                    new ClientCredentialsGrant(), scope);
            case REFRESH_TOKEN -> {
                String refresh = refreshTokens.getOrDefault(key, settings.resolveRefreshToken(where));
                AuthorizationGrant grant = new RefreshTokenGrant(new RefreshToken(refresh));
                String secret = settings.getClientSecret() == null && settings.getClientSecretFile() == null ? null : settings.resolveClientSecret(where);
                yield secret == null || secret.isBlank()
                        ? new TokenRequest(URI.create(settings.getTokenUri()), new ClientID(settings.getClientId()), grant, scope)
                        : new TokenRequest(URI.create(settings.getTokenUri()), clientAuthentication(settings, where), grant, scope);
            }
            case JWT_BEARER -> jwtBearer(user, settings, where, now, scope);
        };
    }

    private static ClientAuthentication clientAuthentication(MailOAuth2 settings, String where) {
        // client_secret_post: Entra ID, Google and the usual servers take it, and a secret needs no URL-escaping rules
        return new ClientSecretPost(new ClientID(settings.getClientId()), new Secret(settings.resolveClientSecret(where)));
    }

    /**
     * Google's service account with domain-wide delegation: an assertion signed with the account's key, issued by the
     * account, for the mailbox's user as subject (RFC 7523, Google's "OAuth 2.0 for Server to Server Applications").
     */
    private TokenRequest jwtBearer(String user, MailOAuth2 settings, String where, Instant now, Scope scope) throws IOException {
        String key = settings.resolveClientSecret(where);
        String pem = key;
        String issuer = settings.getClientId();
        String keyId = null;
        String tokenUri = settings.getTokenUri();
        if (key.startsWith("{")) {
            JsonNode account = json.readTree(key);
            pem = account.path("private_key").asText();
            keyId = account.path("private_key_id").asText(null);
            if (issuer == null || issuer.isBlank()) {
                issuer = account.path("client_email").asText(null);
            }
            if (tokenUri == null || tokenUri.isBlank()) {
                tokenUri = account.path("token_uri").asText(null);
            }
        }
        if (issuer == null || issuer.isBlank() || tokenUri == null || tokenUri.isBlank()) {
            throw new MailTokenException(where + "oauth2.client-id (the service account's e-mail) and oauth2.token-uri are required"
                    + " unless the JSON key holds client_email and token_uri");
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(user).audience(tokenUri)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
        if (scope != null) {
            claims.claim("scope", scope.toString());
        }
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), claims.build());
        try {
            assertion.sign(new RSASSASigner(privateKey(pem)));
        } catch (JOSEException | GeneralSecurityException | IllegalArgumentException e) {
            throw new MailTokenException(where + "oauth2.client-secret-file holds no usable RSA private key (PKCS#8 PEM)", e);
        }
        // no client authentication: the signed assertion is the credential
        return new TokenRequest(URI.create(tokenUri), (ClientID) null, new JWTBearerGrant(assertion), null);
    }

    private static RSAPrivateKey privateKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String endpoint(MailOAuth2 settings, String where) {
        return settings.getTokenUri() == null ? "(from the JSON key)" : settings.getTokenUri();
    }

    /** The token endpoint could not be reached or refused: the message names the endpoint and the error, never a secret. */
    public static class MailTokenException extends RuntimeException {
        MailTokenException(String message) {
            super(message);
        }

        MailTokenException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
