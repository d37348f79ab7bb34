package org.casebridge.channel.email;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.casebridge.support.MutableClock;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The XOAUTH2 token provider against a token endpoint played by WireMock: grants, caching, renewal, errors. */
class MailTokensTests {

    private static final WireMockServer IDP = start();
    private static final String USER = "support@housing.example";

    /** A clock the test moves: expiry without waiting. */
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-02T09:00:00Z"));
    private final MailTokens tokens = new MailTokens(clock);

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(TestInfrastructure.freePort());
        server.start();
        return server;
    }

    @AfterAll
    static void stop() {
        IDP.stop();
    }

    @BeforeEach
    void reset() {
        IDP.resetAll();
    }

    private static void issues(String path, String bodyContains, String token, long expiresIn) {
        IDP.stubFor(post(urlEqualTo(path)).withRequestBody(containing(bodyContains)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}")));
    }

    private static MailOAuth2 clientCredentials(String path) {
        MailOAuth2 settings = new MailOAuth2();
        settings.setTokenUri(IDP.baseUrl() + path);
        settings.setClientId("casebridge-app");
        settings.setClientSecret("app-secret");
        settings.setScope("https://outlook.office365.com/.default");
        return settings;
    }

    private static Map<String, String> form(LoggedRequest request) {
        return Arrays.stream(request.getBodyAsString().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    @Test
    void keepsATokenUntilShortlyBeforeItExpiresThenFetchesANewOne() {
        issues("/cc/token", "grant_type=client_credentials", "token-1", 600);
        MailOAuth2 settings = clientCredentials("/cc/token");

        assertThat(tokens.token(USER, settings, "test: ")).isEqualTo("token-1");
        clock.advance(Duration.ofSeconds(470)); // 600 s lifetime, renewed 120 s (a fifth) before the end
        assertThat(tokens.token(USER, settings, "test: ")).isEqualTo("token-1");
        IDP.verify(1, postRequestedFor(urlEqualTo("/cc/token")));

        issues("/cc/token", "grant_type=client_credentials", "token-2", 600);
        clock.advance(Duration.ofSeconds(20));
        assertThat(tokens.token(USER, settings, "test: ")).isEqualTo("token-2");
        IDP.verify(2, postRequestedFor(urlEqualTo("/cc/token")));

        Map<String, String> form = form(IDP.findAll(postRequestedFor(urlEqualTo("/cc/token"))).get(0));
        assertThat(form).containsEntry("client_id", "casebridge-app").containsEntry("client_secret", "app-secret")
                .containsEntry("scope", "https://outlook.office365.com/.default");
    }

    @Test
    void anInvalidatedTokenIsFetchedAgainAtOnce() {
        issues("/revoke/token", "grant_type=client_credentials", "token-1", 3600);
        MailOAuth2 settings = clientCredentials("/revoke/token");
        tokens.token(USER, settings, "test: ");

        tokens.invalidate(USER, settings);
        tokens.token(USER, settings, "test: ");

        IDP.verify(2, postRequestedFor(urlEqualTo("/revoke/token")));
    }

    @Test
    void aRefreshTokenGrantKeepsTheRotatedRefreshToken() {
        IDP.stubFor(post(urlEqualTo("/rt/token")).withRequestBody(containing("refresh_token=refresh-1")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":600,\"refresh_token\":\"refresh-2\"}")));
        issues("/rt/token", "refresh_token=refresh-2", "token-2", 600);
        MailOAuth2 settings = new MailOAuth2();
        settings.setGrant(MailOAuth2.Grant.REFRESH_TOKEN);
        settings.setTokenUri(IDP.baseUrl() + "/rt/token");
        settings.setClientId("desktop-client");
        settings.setClientSecret("desktop-secret");
        settings.setRefreshToken("refresh-1");
        settings.validate("test: ");

        assertThat(tokens.token(USER, settings, "test: ")).isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(9));
        assertThat(tokens.token(USER, settings, "test: ")).isEqualTo("token-2");

        assertThat(form(IDP.findAll(postRequestedFor(urlEqualTo("/rt/token"))).get(0)))
                .containsEntry("grant_type", "refresh_token").containsEntry("client_id", "desktop-client");
    }

    @Test
    void aGoogleServiceAccountSignsAnAssertionForTheMailbox(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path key = dir.resolve("service-account.json");
        Files.writeString(key, "{\"type\":\"service_account\",\"client_email\":\"casebridge@project.iam.gserviceaccount.com\","
                + "\"private_key_id\":\"k1\",\"private_key\":\"" + pem.replace("\n", "\\n") + "\",\"token_uri\":\"" + IDP.baseUrl() + "/google/token\"}");
        issues("/google/token", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", "google-token", 3600);
        MailOAuth2 settings = new MailOAuth2();
        settings.setGrant(MailOAuth2.Grant.JWT_BEARER);
        settings.setClientSecretFile(key);
        settings.setScope("https://mail.google.com/");
        settings.validate("test: ");

        assertThat(tokens.token(USER, settings, "test: ")).isEqualTo("google-token");

        SignedJWT assertion = SignedJWT.parse(form(IDP.findAll(postRequestedFor(urlEqualTo("/google/token"))).get(0)).get("assertion"));
        assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) pair.getPublic()))).isTrue();
        assertThat(assertion.getHeader().getKeyID()).isEqualTo("k1");
        assertThat(assertion.getJWTClaimsSet().getIssuer()).isEqualTo("casebridge@project.iam.gserviceaccount.com");
        assertThat(assertion.getJWTClaimsSet().getSubject()).isEqualTo(USER);
        assertThat(assertion.getJWTClaimsSet().getAudience()).isEqualTo(List.of(IDP.baseUrl() + "/google/token"));
        assertThat(assertion.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("https://mail.google.com/");
    }

    @Test
    void aRefusalNamesTheErrorButNeverTheSecret() {
        IDP.stubFor(post(urlEqualTo("/bad/token")).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}")));
        MailOAuth2 settings = clientCredentials("/bad/token");

        assertThatThrownBy(() -> tokens.token(USER, settings, "casebridge.email.mailboxes 'support': "))
                .isInstanceOf(MailTokens.MailTokenException.class)
                .hasMessageContaining("casebridge.email.mailboxes 'support'").hasMessageContaining("invalid_client")
                .hasMessageContaining("AADSTS7000215").hasMessageNotContaining("app-secret");
    }

    @Test
    void settingsThatCannotWorkAreRefusedByName() {
        MailOAuth2 settings = new MailOAuth2();
        settings.setTokenUri(IDP.baseUrl() + "/token");
        settings.setClientId("app");
        assertThatThrownBy(() -> settings.validate("casebridge.email.outbox.")).hasMessageContaining("casebridge.email.outbox.oauth2.client-secret");
        assertThatThrownBy(() -> MailOAuth2.isOAuth2("kerberos", "casebridge.email.outbox.")).hasMessageContaining("password or oauth2");
    }
}
