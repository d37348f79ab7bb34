package org.casebridge.channel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseSchema;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.store.BlobStore;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A bridge with Messenger and Instagram switched on, their Graph API a WireMock server on a free port (the Send API
 * answers with a fresh message id for every call), for the end-to-end tests of both platforms: one Spring context,
 * shared by the Messenger and the Instagram tests.
 */
@BridgeContext("meta")
public abstract class MetaBridgeTest {

    public static final String MESSENGER_SECRET = "messenger-app-secret-for-tests";
    public static final String INSTAGRAM_SECRET = "instagram-app-secret-for-tests";
    public static final String PAGE_TOKEN = "EAAGpage-token-for-tests";
    public static final String INSTAGRAM_TOKEN = "IGQVJ-token-for-tests";
    public static final String BACKOFFICE_KEY = "backoffice-key-change-me";
    public static final String API_KEY = "demo-key-change-me";

    /** Meta's Graph API and its media CDN, as far as the bridge sees them. */
    public static final WireMockServer GRAPH = new WireMockServer(options().dynamicPort().globalTemplating(true));
    @Autowired
    protected TestInfrastructure.Ports infrastructure;

    static {
        GRAPH.start();
        GRAPH.stubFor(WireMock.post(WireMock.urlPathMatching("/v21\\.0/[a-z0-9]+/messages")).atPriority(10)
                .willReturn(WireMock.okJson("{\"recipient_id\": \"{{jsonPath request.body '$.recipient.id'}}\","
                        + " \"message_id\": \"m_{{randomValue length=32 type='ALPHANUMERIC'}}\"}")));
    }

    @DynamicPropertySource
    static void meta(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.messenger.enabled", () -> "true");
        registry.add("casebridge.channels.messenger.app-secret", () -> MESSENGER_SECRET);
        registry.add("casebridge.channels.messenger.verify-token", () -> "messenger-verify-token");
        registry.add("casebridge.channels.messenger.page-access-token", () -> PAGE_TOKEN);
        registry.add("casebridge.channels.messenger.graph-base-url", GRAPH::baseUrl);
        registry.add("casebridge.channels.instagram.enabled", () -> "true");
        registry.add("casebridge.channels.instagram.app-secret", () -> INSTAGRAM_SECRET);
        registry.add("casebridge.channels.instagram.verify-token", () -> "instagram-verify-token");
        registry.add("casebridge.channels.instagram.access-token", () -> INSTAGRAM_TOKEN);
        registry.add("casebridge.channels.instagram.graph-base-url", GRAPH::baseUrl);
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected BrokerService broker;
    @Autowired
    protected ObjectMapper mapper;
    @Autowired
    protected CaseSchema schema;

    protected Http http() {
        return new Http(port);
    }

    /** A fresh page- or account-scoped user id, so tests never share a customer. */
    protected static String newUserId() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000_000_000L, 9_000_000_000_000_000L));
    }

    /** POSTs {@code body} to {@code path}, signed with {@code secret} as Meta signs it. */
    protected HttpResponse<String> postSigned(String path, String secret, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http().post(path, "application/json", bytes, Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256(secret, bytes)));
    }

    /** The case of the inbound message with platform id {@code externalId}, once stored. */
    protected String caseOf(String externalId) {
        List<String> ids = jdbc.queryForList("select case_id from cb_message where external_id = ? and direction = 'inbound'", String.class, externalId);
        return ids.isEmpty() ? null : ids.get(0);
    }

    protected int messagesWith(String externalId) {
        Integer count = jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class, externalId);
        return count == null ? 0 : count;
    }

    /** The case as the API shows it. */
    protected JsonNode caseView(String caseId) throws Exception {
        return mapper.readTree(http().get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", BACKOFFICE_KEY)).body());
    }

    /** Posts a back-office reply to the case and returns its reply id. */
    protected String reply(String caseId, String text) throws Exception {
        HttpResponse<String> response = http().post("/api/v1/cases/" + caseId + "/replies", "application/json",
                mapper.writeValueAsBytes(Map.of("text", text)), Map.of("X-Api-Key", BACKOFFICE_KEY));
        if (response.statusCode() != 202) {
            throw new AssertionError("reply refused: " + response.statusCode() + " " + response.body());
        }
        return mapper.readTree(response.body()).get("replyId").asText();
    }

    /** The outbound message's delivery row once its status is one of {@code statuses}. */
    protected Map<String, Object> awaitDelivery(String replyId, String... statuses) throws InterruptedException {
        List<String> wanted = List.of(statuses);
        return Awaitility.await("reply " + replyId + " reaching " + wanted).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForList("select * from cb_message where message_id = ?", replyId),
                        rows -> !rows.isEmpty() && wanted.contains(String.valueOf(rows.get(0).get("delivery_status"))))
                .get(0);
    }

    /** Waits until {@code condition} holds (10 s at most). */
    protected static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> Boolean.TRUE.equals(condition.get()));
    }

    /** Whether the raw archive holds {@code body} (it is content-addressed by SHA-256). */
    protected boolean archived(String body) {
        String sha256 = BlobStore.sha256Hex(body.getBytes(StandardCharsets.UTF_8));
        return Files.exists(Path.of(infrastructure.dataDir().toString(), "raw", sha256.substring(0, 2), sha256));
    }
}
