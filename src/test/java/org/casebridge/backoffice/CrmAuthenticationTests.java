package org.casebridge.backoffice;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/** OAuth2 client credentials against a stub authorisation server: one token request, the token reused while valid. */
class CrmAuthenticationTests {

    private final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());

    @BeforeEach
    void start() {
        server.start();
        server.stubFor(post(urlEqualTo("/oauth2/token")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\": \"token-1\", \"token_type\": \"Bearer\", \"expires_in\": 3600}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void fetchesATokenWithTheClientCredentialsOnceAndReusesIt() {
        CrmAuthentication authentication = new CrmAuthentication();
        String url = server.baseUrl() + "/oauth2/token";
        assertThat(authentication.token(url, "casebridge", "s3cret", "cases.write")).isEqualTo("token-1");
        assertThat(authentication.token(url, "casebridge", "s3cret", "cases.write")).isEqualTo("token-1");

        String basic = "Basic " + Base64.getEncoder().encodeToString("casebridge:s3cret".getBytes(StandardCharsets.UTF_8));
        server.verify(1, postRequestedFor(urlEqualTo("/oauth2/token"))
                .withHeader("Authorization", equalTo(basic))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("scope=cases.write")));
    }
}
