package org.casebridge.channel.email;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code oauth2.*} settings of a mailbox or the outbox ({@code auth: oauth2}): where and how the bridge gets the
 * access token it logs in with over SASL XOAUTH2. The mail server's user stays the mailbox's {@code username}.
 */
public class MailOAuth2 {

    /** How a token is obtained. */
    public enum Grant {
        /** Client id and secret (Microsoft Entra ID app-only access, any OAuth2 server). */
        CLIENT_CREDENTIALS,
        /** A refresh token from a one-off authorisation-code consent (Google, any OAuth2 server). */
        REFRESH_TOKEN,
        /** A signed JWT assertion (RFC 7523): a Google service account with domain-wide delegation, the mailbox as subject. */
        JWT_BEARER
    }

    private String tokenUri;
    private String clientId;
    private String clientSecret;
    private Path clientSecretFile;
    private String scope;
    private Grant grant = Grant.CLIENT_CREDENTIALS;
    private String refreshToken;
    private Path refreshTokenFile;

    public String getTokenUri() { return tokenUri; }
    public void setTokenUri(String tokenUri) { this.tokenUri = tokenUri; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getClientSecret() { return clientSecret; }
    public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
    public Path getClientSecretFile() { return clientSecretFile; }
    public void setClientSecretFile(Path clientSecretFile) { this.clientSecretFile = clientSecretFile; }
    public String getScope() { return scope; }
    public void setScope(String scope) { this.scope = scope; }
    public Grant getGrant() { return grant; }
    public void setGrant(Grant grant) { this.grant = grant; }
    public String getRefreshToken() { return refreshToken; }
    public void setRefreshToken(String refreshToken) { this.refreshToken = refreshToken; }
    public Path getRefreshTokenFile() { return refreshTokenFile; }
    public void setRefreshTokenFile(Path refreshTokenFile) { this.refreshTokenFile = refreshTokenFile; }

    /**
     * The client secret from {@code client-secret} or {@code client-secret-file}; for {@code jwt-bearer} the file is
     * the service account's JSON key (or a PEM private key).
     */
    String resolveClientSecret(String where) {
        return Passwords.resolve(clientSecret, clientSecretFile, where + "oauth2.client-secret-file");
    }

    String resolveRefreshToken(String where) {
        return Passwords.resolve(refreshToken, refreshTokenFile, where + "oauth2.refresh-token-file");
    }

    /** Refuses settings that cannot work; {@code where} names the mailbox or outbox key prefix. */
    void validate(String where) {
        if (grant == null) {
            throw new IllegalStateException(where + "oauth2.grant must be client-credentials, refresh-token or jwt-bearer");
        }
        boolean hasSecret = (clientSecret != null && !clientSecret.isBlank()) || (clientSecretFile != null && !clientSecretFile.toString().isBlank());
        switch (grant) {
            case CLIENT_CREDENTIALS -> {
                require(tokenUri, where + "oauth2.token-uri");
                require(clientId, where + "oauth2.client-id");
                if (!hasSecret) {
                    throw new IllegalStateException(where + "oauth2.client-secret or oauth2.client-secret-file is required");
                }
            }
            case REFRESH_TOKEN -> {
                require(tokenUri, where + "oauth2.token-uri");
                require(clientId, where + "oauth2.client-id");
                if ((refreshToken == null || refreshToken.isBlank()) && (refreshTokenFile == null || refreshTokenFile.toString().isBlank())) {
                    throw new IllegalStateException(where + "oauth2.refresh-token or oauth2.refresh-token-file is required");
                }
            }
            case JWT_BEARER -> {
                if (!hasSecret) {
                    throw new IllegalStateException(where + "oauth2.client-secret-file (the service account's JSON key) is required");
                }
            }
        }
    }

    private static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(key + " is required");
        }
    }

    /** Parses {@code password} / {@code oauth2}, case-insensitively. */
    static boolean isOAuth2(String auth, String where) {
        String mode = auth == null || auth.isBlank() ? "password" : auth.strip().toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "password" -> false;
            case "oauth2" -> true;
            default -> throw new IllegalStateException(where + "auth must be password or oauth2, not '" + auth + "'");
        };
    }
}
