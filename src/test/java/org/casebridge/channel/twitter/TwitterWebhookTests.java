package org.casebridge.channel.twitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseSchema;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The X channel end to end: signed Account Activity calls over real HTTP to a bridge of its own, cases read from the
 * embedded broker over TCP, and the X API played by WireMock on a free port.
 */
@BridgeContext("twitter")
class TwitterWebhookTests {

    static final String SECRET = "x-consumer-secret-e2e";
    static final String TOKEN = "x-user-token-e2e";
    static final String ACCOUNT = "4337869213";
    static final WireMockServer X = new WireMockServer(TestInfrastructure.freePort());
    static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() * 1000);
    @Autowired
    TestInfrastructure.Ports infrastructure;

    static {
        X.start();
    }

    @LocalServerPort
    int port;
    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    CaseSchema schema;

    Http http;

    @DynamicPropertySource
    static void twitter(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.twitter.enabled", () -> true);
        registry.add("casebridge.channels.twitter.consumer-secret", () -> SECRET);
        registry.add("casebridge.channels.twitter.user-access-token", () -> TOKEN);
        registry.add("casebridge.channels.twitter.api-base-url", () -> "http://127.0.0.1:" + X.port());
    }

    @AfterAll
    static void stopX() {
        X.stop();
    }

    @BeforeEach
    void setUp() {
        http = new Http(port);
        X.resetAll();
        // the acknowledgement of a new case, and any other DM, unless a test says otherwise
        X.stubFor(post(WireMock.urlMatching("/2/dm_conversations/with/.*/messages")).atPriority(10)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":{\"dm_conversation_id\":\"c\",\"dm_event_id\":\"ack-" + IDS.incrementAndGet() + "\"}}")));
    }

    static String id() {
        return Long.toString(IDS.incrementAndGet());
    }

    /** A fixture with fresh ids, so every test has its own customer and messages. */
    static String fixture(String name, Map<String, String> replacements) throws IOException {
        String text = Files.readString(Path.of("src/test/resources/chat/twitter", name)).replace("MEDIA_BASE", "http://127.0.0.1:" + X.port());
        for (Map.Entry<String, String> replacement : replacements.entrySet()) {
            text = text.replace(replacement.getKey(), replacement.getValue());
        }
        return text;
    }

    HttpResponse<String> postSigned(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http.post("/webhooks/twitter", "application/json", bytes,
                Map.of("X-Twitter-Webhooks-Signature", TwitterPlatformTests.sign(SECRET, bytes)));
    }

    String caseOf(String externalId) {
        return jdbc.queryForObject("select case_id from cb_message where external_id = ? and direction = 'inbound'", String.class, externalId);
    }

    static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(condition::get);
    }

    List<LoggedRequest> dmsTo(String participant) {
        return X.findAll(postRequestedFor(urlEqualTo("/2/dm_conversations/with/" + participant + "/messages")));
    }

    @Test
    void answersTheCrcChallenge() throws Exception {
        HttpResponse<String> response = http.get("/webhooks/twitter?crc_token=challenge-" + id(), Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        String token = mapper.readTree(response.body()).get("response_token").asText();
        String crc = response.request().uri().getQuery().substring("crc_token=".length());
        assertThat(token).isEqualTo(org.casebridge.channel.chat.WebhookSignatures.xCrcResponseToken(SECRET, crc));
    }

    @Test
    void aPayloadSignedThroughTheCrcEndpointIsRefused() throws Exception {
        // the attack of issue 13: ask the CRC endpoint to "answer" a fabricated DM, then post it with that answer
        String dm = id();
        String forged = fixture("dm-text.json", Map.of("1582838223385698308", dm));
        HttpResponse<String> crc = http.get("/webhooks/twitter?crc_token="
                + java.net.URLEncoder.encode(forged, StandardCharsets.UTF_8), Map.of());
        assertThat(crc.statusCode()).isEqualTo(400);
        assertThat(crc.body()).contains("invalid-crc-token").doesNotContain("response_token");

        // the attacker posts the DM with whatever the CRC answered: there is no token to sign it with
        String returned = crc.body().contains("response_token") ? mapper.readTree(crc.body()).get("response_token").asText() : "sha256=";
        HttpResponse<String> post = http.post("/webhooks/twitter", "application/json", forged.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Twitter-Webhooks-Signature", returned));
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class, dm)).isZero();
    }

    @Test
    void crcTokensThatAreNotXsChallengesAreRefused() throws Exception {
        for (String token : List.of("%7B%22for_user_id%22%3A%221%22%7D", "a%20b", "x".repeat(257), "%22abc%22")) {
            HttpResponse<String> response = http.get("/webhooks/twitter?crc_token=" + token, Map.of());
            assertThat(response.statusCode()).as(token).isEqualTo(400);
            assertThat(response.body()).as(token).contains("invalid-crc-token");
        }
        assertThat(http.get("/webhooks/twitter?crc_token=NDY3NjkxOTYyNjA3NzQ2Njg1Mw_-%2B%2F%3D", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void signedDirectMessageBecomesASchemaValidCaseAndIsAcknowledgedByDm() throws Exception {
        String sender = id();
        String dm = id();
        HttpResponse<String> response = postSigned(fixture("dm-text.json", Map.of("3001969357", sender, "1582838223385698308", dm)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        String caseId = caseOf(dm);
        List<Message> queued = new BrokerProbe(broker).receive("casebridge.cases.new", "CasebridgeCaseId = '" + caseId + "'", 5000);
        assertThat(queued).hasSize(1);
        JsonNode value = mapper.readTree(((TextMessage) queued.get(0)).getText());
        assertThat(schema.violations(value)).isEmpty();
        assertThat(value.get("channel").asText()).isEqualTo("twitter");
        assertThat(value.at("/customer/platformUserId").asText()).isEqualTo(sender);
        assertThat(value.at("/customer/handle").asText()).isEqualTo("amira_h");
        assertThat(value.at("/customer/displayName").asText()).isEqualTo("Amira Hassan");
        assertThat(value.at("/source/system").asText()).isEqualTo("twitter:" + ACCOUNT);
        assertThat(value.at("/source/externalId").asText()).isEqualTo(dm);
        assertThat(value.at("/trust/verified").asBoolean()).isTrue();
        assertThat(value.at("/thread/method").asText()).isEqualTo("new");
        assertThat(value.at("/body/text").asText()).startsWith("Hello, the heating in flat 4B");

        await(() -> !dmsTo(sender).isEmpty(), "the acknowledgement DM");
        LoggedRequest ack = dmsTo(sender).get(0);
        assertThat(ack.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(mapper.readTree(ack.getBodyAsString()).get("text").asText()).contains(caseId);
        // none of the bridge's own headers reach X
        assertThat(ack.getHeaders().keys()).noneMatch(name -> name.startsWith("Casebridge"));
    }

    @Test
    void replyGoesOutAsDirectMessageAndTheReadReceiptMarksItRead() throws Exception {
        String sender = id();
        String dm = id();
        String outId = "dm-out-" + id();
        X.stubFor(post(urlEqualTo("/2/dm_conversations/with/" + sender + "/messages")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.text", equalTo("A heating engineer will call tomorrow morning.")))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\":{\"dm_conversation_id\":\"" + sender + "-" + ACCOUNT + "\",\"dm_event_id\":\"" + outId + "\"}}")));
        assertThat(postSigned(fixture("dm-text.json", Map.of("3001969357", sender, "1582838223385698308", dm))).statusCode()).isEqualTo(200);
        String caseId = caseOf(dm);

        HttpResponse<String> replied = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                "{\"text\": \"A heating engineer will call tomorrow morning.\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "backoffice-key-change-me"));
        assertThat(replied.statusCode()).as(replied.body()).isEqualTo(202);
        String replyId = mapper.readTree(replied.body()).get("replyId").asText();

        await(() -> "sent".equals(status(replyId)), "the reply to be sent");
        LoggedRequest sent = dmsTo(sender).stream().filter(r -> r.getBodyAsString().contains("heating engineer")).findFirst().orElseThrow();
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
        assertThat(mapper.readTree(sent.getBodyAsString())).isEqualTo(mapper.readTree("{\"text\": \"A heating engineer will call tomorrow morning.\"}"));
        assertThat(jdbc.queryForObject("select external_id from cb_message where message_id = ?", String.class, replyId)).isEqualTo(outId);
        JsonNode view = mapper.readTree(http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", "backoffice-key-change-me")).body());
        assertThat(view.get("deliveries").findValuesAsText("status")).contains("sent");

        HttpResponse<String> read = postSigned(fixture("mark-read.json", Map.of("3001969357", sender, "LAST_READ_ID", outId)));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(status(replyId)).isEqualTo("read");
    }

    @Test
    void mentionIsAnsweredPubliclyWithTheReferenceOnlyWhenXRefusesTheDirectMessage() throws Exception {
        String author = id();
        String tweet = id();
        String publicId = id();
        X.stubFor(post(urlEqualTo("/2/dm_conversations/with/" + author + "/messages")).atPriority(1)
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"title\":\"Forbidden\",\"detail\":\"You cannot send messages to this user.\",\"type\":\"about:blank\",\"status\":403}")));
        X.stubFor(post(urlEqualTo("/2/tweets")).willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"data\":{\"id\":\"" + publicId + "\",\"text\":\"...\"}}")));
        assertThat(postSigned(fixture("mention.json", Map.of("998877665544", author, "1583150000000000001", tweet))).statusCode()).isEqualTo(200);
        String caseId = caseOf("tweet:" + tweet);

        HttpResponse<String> replied = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                "{\"text\": \"Our engineer found the lift controller at fault; flat 12 will get a call.\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "backoffice-key-change-me"));
        String replyId = mapper.readTree(replied.body()).get("replyId").asText();
        await(() -> "sent".equals(status(replyId)), "the public reply");

        List<LoggedRequest> tweets = X.findAll(postRequestedFor(urlEqualTo("/2/tweets")));
        assertThat(tweets).isNotEmpty();
        for (LoggedRequest request : tweets) {
            JsonNode body = mapper.readTree(request.getBodyAsString());
            assertThat(body.at("/reply/in_reply_to_tweet_id").asText()).isEqualTo(tweet);
            assertThat(body.get("text").asText()).startsWith("@tombaker_leeds ").contains(caseId).doesNotContain("flat 12");
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        }
        assertThat(jdbc.queryForObject("select external_id from cb_message where message_id = ?", String.class, replyId)).isEqualTo(publicId);
    }

    @Test
    void directMessageMediaIsFetchedWithTheAccountsTokenIntoTheAttachmentStore() throws Exception {
        byte[] picture = "not really a jpeg, but bytes all the same".getBytes(StandardCharsets.UTF_8);
        X.stubFor(get(WireMock.urlPathMatching("/1.1/ton/data/dm/.*/damp.jpg")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "image/jpeg").withBody(picture)));
        String sender = id();
        String dm = id();
        assertThat(postSigned(fixture("dm-media.json", Map.of("3001969357", sender, "1582838999000000001", dm))).statusCode()).isEqualTo(200);
        String caseId = caseOf(dm);
        JsonNode value = mapper.readTree(new BrokerProbe(broker).receive("casebridge.cases.new", "CasebridgeCaseId = '" + caseId + "'", 5000)
                .stream().map(m -> {
                    try {
                        return ((TextMessage) m).getText();
                    } catch (jakarta.jms.JMSException e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow());
        assertThat(value.at("/body/text").asText()).isEqualTo("Here is the damp patch");
        assertThat(value.at("/attachments/0/size").asLong()).isEqualTo(picture.length);
        assertThat(value.at("/attachments/0/contentType").asText()).isEqualTo("image/jpeg");
        assertThat(value.at("/attachments/0/filename").asText()).isEqualTo("damp.jpg");
        assertThat(value.at("/attachments/0/sha256").asText()).hasSize(64);
    }

    @Test
    void theSameWebhookDeliveredTwiceGivesOneCaseMessage() throws Exception {
        String dm = id();
        String body = fixture("dm-text.json", Map.of("3001969357", id(), "1582838223385698308", dm));
        assertThat(postSigned(body).statusCode()).isEqualTo(200);
        assertThat(postSigned(body).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class, dm)).isEqualTo(1);
        String caseId = caseOf(dm);
        assertThat(new BrokerProbe(broker).receive("casebridge.cases.new", "CasebridgeCaseId = '" + caseId + "'", 3000)).hasSize(1);
    }

    @Test
    void aBadSignatureIsRefusedWith401AndNothingIsStored() throws Exception {
        String dm = id();
        byte[] body = fixture("dm-text.json", Map.of("1582838223385698308", dm)).getBytes(StandardCharsets.UTF_8);
        long rawBefore = rawFiles();
        HttpResponse<String> response = http.post("/webhooks/twitter", "application/json", body,
                Map.of("X-Twitter-Webhooks-Signature", TwitterPlatformTests.sign("not-the-secret", body)));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("invalid-signature");
        assertThat(jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class, dm)).isZero();
        assertThat(rawFiles()).isEqualTo(rawBefore);
        assertThat(http.post("/webhooks/twitter", "application/json", body, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void anUnknownEventTypeIsAnswered200AndRecorded() throws Exception {
        long before = jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'twitter' and event_type = 'space_scheduled_events'", Long.class);
        HttpResponse<String> response = postSigned(fixture("unknown-event.json", Map.of()));
        assertThat(response.statusCode()).isEqualTo(200);
        List<Map<String, Object>> rows = jdbc.queryForList("select * from cb_webhook_event where channel = 'twitter' and event_type = 'space_scheduled_events'");
        assertThat(rows).hasSize((int) before + 1);
        assertThat(rows.get(rows.size() - 1).get("outcome")).isEqualTo("ignored");
        assertThat(rows.get(rows.size() - 1).get("raw_ref")).isNotNull();
    }

    private String status(String messageId) {
        return jdbc.queryForList("select delivery_status from cb_message where message_id = ?", String.class, messageId).stream().findFirst().orElse(null);
    }

    private long rawFiles() throws IOException {
        Path raw = infrastructure.dataDir().resolve("raw");
        if (!Files.exists(raw)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(raw)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
