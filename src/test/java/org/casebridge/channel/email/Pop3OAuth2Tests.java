package org.casebridge.channel.email;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A POP3 mailbox with {@code auth: oauth2} and a refresh-token grant: GreenMail's POP3 server accepts for the user only
 * the access token the WireMock token endpoint issues (its password is that token; the configured password differs).
 */
@BridgeContext(value = "pop3-oauth2", webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class Pop3OAuth2Tests {

    private static final String USER = "lettings@housing.example";
    private static final String TOKEN = "ya29.pop3-access-token";
    private static final WireMockServer GOOGLE = new WireMockServer(TestInfrastructure.freePort());
    private static final GreenMail POP3 = new GreenMail(new ServerSetup[] {
            new ServerSetup(TestInfrastructure.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(TestInfrastructure.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_POP3)});

    static {
        GOOGLE.start();
        GOOGLE.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("grant_type=refresh_token"))
                .withRequestBody(containing("refresh_token=consented-refresh-token"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3599}")));
        POP3.start();
        POP3.setUser(USER, USER, TOKEN);
    }

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        // a list property is replaced, not merged: give the shipped sandbox mailbox again, then the POP3 one
        registry.add("casebridge.email.mailboxes[0].name", () -> "support");
        registry.add("casebridge.email.mailboxes[0].port", () -> "${casebridge.email.sandbox.imap-port}");
        registry.add("casebridge.email.mailboxes[0].username", () -> "support@casebridge.local");
        registry.add("casebridge.email.mailboxes[0].password", () -> "sandbox");
        registry.add("casebridge.email.mailboxes[1].name", () -> "lettings");
        registry.add("casebridge.email.mailboxes[1].protocol", () -> "pop3");
        registry.add("casebridge.email.mailboxes[1].host", () -> "127.0.0.1");
        registry.add("casebridge.email.mailboxes[1].port", () -> POP3.getPop3().getPort());
        registry.add("casebridge.email.mailboxes[1].username", () -> USER);
        registry.add("casebridge.email.mailboxes[1].password", () -> "not-the-token");
        registry.add("casebridge.email.mailboxes[1].after-processing", () -> "delete");
        registry.add("casebridge.email.mailboxes[1].poll-interval", () -> "500ms");
        registry.add("casebridge.email.mailboxes[1].auth", () -> "oauth2");
        registry.add("casebridge.email.mailboxes[1].oauth2.grant", () -> "refresh-token");
        registry.add("casebridge.email.mailboxes[1].oauth2.token-uri", () -> GOOGLE.baseUrl() + "/token");
        registry.add("casebridge.email.mailboxes[1].oauth2.client-id", () -> "desktop-client.apps.googleusercontent.com");
        registry.add("casebridge.email.mailboxes[1].oauth2.client-secret", () -> "desktop-secret");
        registry.add("casebridge.email.mailboxes[1].oauth2.refresh-token", () -> "consented-refresh-token");
        registry.add("casebridge.email.mailboxes[1].oauth2.scope", () -> "https://mail.google.com/");
    }

    @AfterAll
    static void stop() {
        POP3.stop();
        GOOGLE.stop();
    }

    @Test
    void aPop3MailboxLogsInWithTheAccessTokenAndReadsItsMail() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mailbox:lettings").routeId("test-pop3-oauth2-mailbox").to("mock:lettings");
            }
        });
        MockEndpoint mock = camel.getEndpoint("mock:lettings", MockEndpoint.class);
        mock.expectedMessageCount(1);

        GreenMailUtil.sendTextEmail(USER, "tenant@example.org", "Viewing", "Can I view the flat on Friday?", POP3.getSmtp().getServerSetup());

        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertThat(new String(mock.getExchanges().get(0).getMessage().getBody(byte[].class))).contains("view the flat on Friday");
    }
}
