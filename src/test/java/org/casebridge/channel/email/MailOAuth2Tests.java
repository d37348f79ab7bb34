package org.casebridge.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.jms.TextMessage;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default mailbox and the outbox set to {@code CASEBRIDGE_MAIL_AUTH=oauth2} / {@code CASEBRIDGE_SMTP_AUTH=oauth2},
 * against a real IMAP and SMTP server (GreenMail) that accepts for the mailbox's user only the access token the local
 * token endpoint (WireMock, playing Entra ID) issues: GreenMail checks an XOAUTH2 token against the user's password, so
 * the password is the token, and the bridge's configured password is something else, which would be refused.
 */
@BridgeContext("mail-oauth2")
class MailOAuth2Tests {

    private static final String QUEUE = "casebridge.cases.new";
    private static final String BACKOFFICE_KEY = "backoffice-key-change-me";
    private static final String MAILBOX = "support@housing.example";
    private static final String TOKEN = "eyJ0eXAi.imap-and-smtp-token-1";
    private static final String NEW_TOKEN = "eyJ0eXAi.imap-token-2";

    private static final WireMockServer ENTRA = new WireMockServer(TestInfrastructure.freePort());
    private static final GreenMail MAIL = new GreenMail(new ServerSetup[] {
            new ServerSetup(TestInfrastructure.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(TestInfrastructure.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});

    static {
        ENTRA.start();
        entraIssues("casebridge-imap", "imap-client-secret", TOKEN);
        entraIssues("casebridge-smtp", "smtp-client-secret", TOKEN);
        MAIL.start();
        MAIL.setUser(MAILBOX, MAILBOX, TOKEN);
    }

    @LocalServerPort
    int port;
    @Autowired
    BrokerService broker;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    CamelContext camel;

    BrokerProbe probe;

    @DynamicPropertySource
    static void oauth2(DynamicPropertyRegistry registry) {
        String tokenUri = ENTRA.baseUrl() + "/tenant-1/oauth2/v2.0/token";
        registry.add("CASEBRIDGE_MAIL_HOST", () -> "127.0.0.1");
        registry.add("CASEBRIDGE_MAIL_PORT", () -> MAIL.getImap().getPort());
        registry.add("CASEBRIDGE_MAIL_USER", () -> MAILBOX);
        registry.add("CASEBRIDGE_MAIL_PASSWORD", () -> "the-old-basic-auth-password");
        registry.add("CASEBRIDGE_MAIL_AUTH", () -> "oauth2");
        registry.add("CASEBRIDGE_MAIL_OAUTH2_TOKEN_URI", () -> tokenUri);
        registry.add("CASEBRIDGE_MAIL_OAUTH2_CLIENT_ID", () -> "casebridge-imap");
        registry.add("CASEBRIDGE_MAIL_OAUTH2_CLIENT_SECRET", () -> "imap-client-secret");
        registry.add("CASEBRIDGE_MAIL_OAUTH2_SCOPE", () -> "https://outlook.office365.com/.default");
        registry.add("CASEBRIDGE_SMTP_HOST", () -> "127.0.0.1");
        registry.add("CASEBRIDGE_SMTP_PORT", () -> MAIL.getSmtp().getPort());
        registry.add("CASEBRIDGE_SMTP_USER", () -> MAILBOX);
        registry.add("CASEBRIDGE_SMTP_PASSWORD", () -> "the-old-basic-auth-password");
        registry.add("CASEBRIDGE_SMTP_FROM", () -> MAILBOX);
        registry.add("CASEBRIDGE_SMTP_AUTH", () -> "oauth2");
        registry.add("CASEBRIDGE_SMTP_OAUTH2_TOKEN_URI", () -> tokenUri);
        registry.add("CASEBRIDGE_SMTP_OAUTH2_CLIENT_ID", () -> "casebridge-smtp");
        registry.add("CASEBRIDGE_SMTP_OAUTH2_CLIENT_SECRET", () -> "smtp-client-secret");
        registry.add("CASEBRIDGE_SMTP_OAUTH2_SCOPE", () -> "https://outlook.office365.com/.default");
    }

    @AfterAll
    static void stop() {
        MAIL.stop();
        ENTRA.stop();
    }

    private static void entraIssues(String clientId, String secret, String token) {
        ENTRA.stubFor(post(urlEqualTo("/tenant-1/oauth2/v2.0/token"))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("client_id=" + clientId))
                .withRequestBody(containing("client_secret=" + secret))
                .withRequestBody(containing("scope=https%3A%2F%2Foutlook.office365.com%2F.default"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + token + "\"}")));
    }

    @BeforeEach
    void setUp() throws Exception {
        entraIssues("casebridge-imap", "imap-client-secret", TOKEN);
        entraIssues("casebridge-smtp", "smtp-client-secret", TOKEN);
        MAIL.getUserManager().getUser(MAILBOX).setPassword(TOKEN);
        probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
    }

    private JsonNode health(Http http) throws Exception {
        return mapper.readTree(http.get("/actuator/health", Map.of()).body());
    }

    private JsonNode mailboxHealth() throws Exception {
        return health(new Http(port).asAdmin()).at("/components/mailboxes/components/support");
    }

    private JsonNode awaitCase(String messageId) throws Exception {
        String externalId = ThreadIndex.normaliseRef(messageId);
        for (int attempt = 0; attempt < 30; attempt++) {
            for (jakarta.jms.Message m : probe.receive(QUEUE, "CasebridgeChannel = 'email'", 1000)) {
                JsonNode json = mapper.readTree(((TextMessage) m).getText());
                if (externalId.equals(json.at("/source/externalId").asText())) {
                    return json;
                }
            }
        }
        throw new AssertionError("no case for " + messageId);
    }

    private List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(MAIL.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().contains(address));
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    @Test
    void aMailboxAndTheOutboxWithOAuth2TurnMailIntoCasesAndSendReplies() throws Exception {
        Awaitility.await("mailbox connected").atMost(Duration.ofSeconds(30))
                .until(() -> "UP".equals(mailboxHealth().path("status").asText()));
        ENTRA.resetRequests();

        String customer = "tenant-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(MAIL.getSmtp().getPort()));
        MimeMessage mail = new MimeMessage(Session.getInstance(props));
        mail.setFrom(new InternetAddress(customer));
        mail.setRecipient(Message.RecipientType.TO, new InternetAddress(MAILBOX));
        mail.setSubject("Damp in the bedroom", "UTF-8");
        mail.setText("There is mould behind the wardrobe.", "UTF-8");
        Transport.send(mail);

        JsonNode opened = awaitCase(mail.getMessageID());
        String caseId = opened.get("caseId").asText();
        assertThat(opened.at("/customer/email").asText()).isEqualTo(customer);

        HttpResponse<String> queued = new Http(port).post("/api/v1/cases/" + caseId + "/replies", "application/json",
                "{\"text\": \"A surveyor will visit on Thursday.\", \"kind\": \"message\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", BACKOFFICE_KEY));
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        List<MimeMessage> received = Awaitility.await("reply sent through the XOAUTH2 outbox").atMost(Duration.ofSeconds(30))
                .until(() -> mailsTo(customer), found -> found.stream().anyMatch(m -> body(m).contains("Thursday")));
        assertThat(received).allSatisfy(m -> assertThat(m.getFrom()[0].toString()).contains(MAILBOX));

        // each login has its own client and keeps its token: the connected mailbox asks for none while mail flows, the
        // outbox at most once (its first connection; the health check may have fetched it already) for ack and reply
        ENTRA.verify(0, postRequestedFor(urlEqualTo("/tenant-1/oauth2/v2.0/token")).withRequestBody(containing("client_id=casebridge-imap")));
        assertThat(ENTRA.findAll(postRequestedFor(urlEqualTo("/tenant-1/oauth2/v2.0/token"))
                .withRequestBody(containing("client_id=casebridge-smtp")))).hasSizeLessThanOrEqualTo(1);

        // the health: details for a logged-in user only
        JsonNode anonymous = health(new Http(port));
        assertThat(anonymous.has("components")).as(anonymous.toString()).isFalse();
        JsonNode mailbox = mailboxHealth();
        assertThat(mailbox.at("/details/auth").asText()).isEqualTo("oauth2");
        assertThat(mailbox.at("/details/mode").asText()).isEqualTo("idle");
        assertThat(mailbox.at("/details/lastRead").asText()).isNotEmpty();
        JsonNode outbox = health(new Http(port).asAdmin()).at("/components/outbox");
        assertThat(outbox.path("status").asText()).as(outbox.toString()).isEqualTo("UP");
        assertThat(outbox.at("/details/auth").asText()).isEqualTo("oauth2");
        assertThat(health(new Http(port).asAdmin()).toString()).doesNotContain(TOKEN);
    }

    @Test
    void aRevokedTokenShowsInTheHealthAndTheMailboxReconnectsOnceANewTokenIsIssued() throws Exception {
        Awaitility.await("mailbox connected").atMost(Duration.ofSeconds(30))
                .until(() -> "UP".equals(mailboxHealth().path("status").asText()));
        ENTRA.resetRequests();

        // the server revokes the token (only a new one is accepted) while the identity provider still hands out the old
        MAIL.getUserManager().getUser(MAILBOX).setPassword(NEW_TOKEN);
        camel.getRouteController().stopRoute("email-inbox-to-case");
        camel.getRouteController().startRoute("email-inbox-to-case");

        JsonNode degraded = Awaitility.await("revocation in the health").atMost(Duration.ofSeconds(30))
                .until(this::mailboxHealth, h -> "DEGRADED".equals(h.path("status").asText()));
        assertThat(degraded.at("/details/connected").asBoolean()).isFalse();
        assertThat(degraded.at("/details/lastError").asText()).contains("XOAUTH2 login as " + MAILBOX + " refused with a fresh token")
                .doesNotContain(TOKEN);
        // the cached token refused, one fresh token fetched and tried at once
        ENTRA.verify(postRequestedFor(urlEqualTo("/tenant-1/oauth2/v2.0/token")).withRequestBody(containing("client_id=casebridge-imap")));
        // a revoked token leaves the bridge up: the other channels work
        assertThat(new Http(port).get("/actuator/health", Map.of()).statusCode()).isEqualTo(200);

        // the identity provider now issues the new token: the back-off's next attempt connects
        entraIssues("casebridge-imap", "imap-client-secret", NEW_TOKEN);
        Awaitility.await("reconnected with the new token").atMost(Duration.ofSeconds(30))
                .until(() -> "UP".equals(mailboxHealth().path("status").asText()));
    }

    private static String body(MimeMessage message) {
        try {
            Object content = message.getContent();
            return content instanceof String text ? text : String.valueOf(content);
        } catch (Exception e) {
            return "";
        }
    }
}
