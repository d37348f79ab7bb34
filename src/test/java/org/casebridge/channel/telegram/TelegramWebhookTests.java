package org.casebridge.channel.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.casebridge.cases.CaseSchema;
import org.casebridge.replies.ReplyFixtures;
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

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Telegram end to end: the bridge on a real port and broker, the Bot API played by WireMock. Webhook calls carry the
 * secret token as Telegram sends it; replies must reach the stub as sendMessage calls.
 */
@BridgeContext("telegram")
class TelegramWebhookTests {

    static final String SECRET = "telegram-webhook-secret";
    static final String TOKEN = "123456:test-token";
    static final WireMockServer TELEGRAM = new WireMockServer(options().dynamicPort());
    @Autowired
    TestInfrastructure.Ports ports;

    static {
        TELEGRAM.start();
    }

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.telegram.enabled", () -> "true");
        registry.add("casebridge.channels.telegram.bot-token", () -> TOKEN);
        registry.add("casebridge.channels.telegram.secret-token", () -> SECRET);
        registry.add("casebridge.channels.telegram.bot-username", () -> "housing_bot");
        registry.add("casebridge.channels.telegram.api-base-url", TELEGRAM::baseUrl);
    }

    @AfterAll
    static void stop() {
        TELEGRAM.stop();
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
    BrokerProbe probe;
    int sentMessageIds = 5000;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
        TELEGRAM.resetAll();
        TELEGRAM.stubFor(post(urlPathEqualTo("/bot" + TOKEN + "/sendMessage")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"result\":{\"message_id\":" + (++sentMessageIds)
                        + ",\"date\":1700000000,\"chat\":{\"id\":1,\"type\":\"private\"},\"text\":\"ok\"}}")));
    }

    static long userId() {
        return ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L);
    }

    static String textUpdate(long updateId, long userId, long messageId, String text) {
        return """
                {"update_id": %d, "message": {"message_id": %d, "date": %d,
                  "from": {"id": %d, "is_bot": false, "first_name": "Ann", "last_name": "Tenant", "username": "ann_t", "language_code": "en"},
                  "chat": {"id": %d, "first_name": "Ann", "last_name": "Tenant", "username": "ann_t", "type": "private"},
                  "text": "%s"}}
                """.formatted(updateId, messageId, Instant.now().getEpochSecond(), userId, userId, text);
    }

    HttpResponse<String> deliver(String update, String secret) {
        return http.post("/webhooks/telegram", "application/json", update.getBytes(StandardCharsets.UTF_8),
                secret == null ? Map.of() : Map.of("X-Telegram-Bot-Api-Secret-Token", secret));
    }

    JsonNode caseOnQueue(String externalId) throws Exception {
        List<Message> found = probe.receive("casebridge.cases.new", "CasebridgeChannel = 'telegram'", 10_000);
        for (Message message : found) {
            JsonNode value = mapper.readTree(((TextMessage) message).getText());
            if (externalId.equals(value.path("source").path("externalId").asText())) {
                return value;
            }
        }
        throw new AssertionError("no case for " + externalId + " among " + found.size() + " messages");
    }

    int messagesWithExternalId(String externalId) {
        Integer count = jdbc.queryForObject("select count(*) from cb_message where external_id = ? and channel = 'telegram'", Integer.class, externalId);
        return count == null ? 0 : count;
    }

    @Test
    void aSignedMessageBecomesASchemaValidCaseOnTheQueueAndIsAcknowledgedOnTelegram() throws Exception {
        long user = userId();
        HttpResponse<String> response = deliver(textUpdate(1, user, 42, "Water is coming through the ceiling"), SECRET);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode value = caseOnQueue(user + ":42");
        assertThat(schema.violations(value)).isEmpty();
        assertThat(value.get("channel").asText()).isEqualTo("telegram");
        assertThat(value.get("subject").asText()).isEqualTo("Water is coming through the ceiling");
        assertThat(value.at("/customer/platformUserId").asText()).isEqualTo(String.valueOf(user));
        assertThat(value.at("/customer/handle").asText()).isEqualTo("ann_t");
        assertThat(value.at("/customer/displayName").asText()).isEqualTo("Ann Tenant");
        assertThat(value.at("/trust/verified").asBoolean()).isTrue();
        assertThat(value.at("/trust/method").asText()).isEqualTo("platform-signature");
        assertThat(value.at("/thread/method").asText()).isEqualTo("new");
        assertThat(value.at("/source/system").asText()).isEqualTo("telegram:housing_bot");
        assertThat(value.at("/source/rawRef").asText()).isNotBlank();

        // the acknowledgement goes back to the customer's chat with the case reference
        String caseId = value.get("caseId").asText();
        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sendMessages(user)).hasSize(1));
        JsonNode ack = mapper.readTree(sendMessages(user).get(0).getBodyAsString());
        assertThat(ack.get("text").asText()).contains(caseId);
    }

    @Test
    void theSameUpdateDeliveredTwiceIsOneCaseMessage() throws Exception {
        long user = userId();
        String update = textUpdate(2, user, 7, "No heating since Monday");
        assertThat(deliver(update, SECRET).statusCode()).isEqualTo(200);
        assertThat(deliver(update, SECRET).statusCode()).isEqualTo(200);

        assertThat(messagesWithExternalId(user + ":7")).isEqualTo(1);
        List<Message> published = probe.receive("casebridge.cases.new", "CasebridgeChannel = 'telegram'", 5_000);
        long copies = published.stream().map(m -> {
            try {
                return mapper.readTree(((TextMessage) m).getText()).at("/source/externalId").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter((user + ":7")::equals).count();
        assertThat(copies).isEqualTo(1);
    }

    @Test
    void aWrongOrMissingSecretIsRefusedAndNothingIsStored() throws Exception {
        long user = userId();
        long rawBefore = countFiles(rawDir());
        for (String secret : new String[]{"wrong", null, SECRET + "x"}) {
            HttpResponse<String> response = deliver(textUpdate(3, user, 9, "Let me in"), secret);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-signature");
        }
        assertThat(messagesWithExternalId(user + ":9")).isZero();
        assertThat(countFiles(rawDir())).isEqualTo(rawBefore);
        Integer recorded = jdbc.queryForObject("select count(*) from cb_rejection where channel = 'telegram' and status = 401 and raw_ref is null",
                Integer.class);
        assertThat(recorded).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aSecondMessageJoinsTheCustomersOpenCaseAndAReplyGoesOutAsSendMessage() throws Exception {
        long user = userId();
        deliver(textUpdate(4, user, 100, "The boiler is broken"), SECRET);
        JsonNode first = caseOnQueue(user + ":100");
        deliver(textUpdate(5, user, 101, "Also the radiator leaks"), SECRET);
        JsonNode second = caseOnQueue(user + ":101");
        assertThat(second.get("caseId").asText()).isEqualTo(first.get("caseId").asText());
        assertThat(second.at("/thread/method").asText()).isEqualTo("platform");

        String caseId = first.get("caseId").asText();
        HttpResponse<String> reply = ReplyFixtures.postReply(http, caseId, ReplyFixtures.BACKOFFICE_KEY,
                "{\"text\": \"An engineer will call tomorrow.\"}", Map.of());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
        String replyId = mapper.readTree(reply.body()).get("replyId").asText();

        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sendMessages(user)).anySatisfy(r ->
                assertThat(r.getBodyAsString()).contains("An engineer will call tomorrow.")));
        LoggedRequest call = sendMessages(user).stream().filter(r -> r.getBodyAsString().contains("engineer")).findFirst().orElseThrow();
        JsonNode body = mapper.readTree(call.getBodyAsString());
        assertThat(body.get("chat_id").asText()).isEqualTo(String.valueOf(user));
        assertThat(body.get("text").asText()).isEqualTo("An engineer will call tomorrow.");

        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "select delivery_status from cb_message where message_id = ?", String.class, replyId)).isEqualTo("sent"));
        String platformId = jdbc.queryForObject("select external_id from cb_message where message_id = ?", String.class, replyId);
        assertThat(platformId).matches(user + ":\\d+");

        // the customer answers our message with Telegram's reply feature: it joins the case by that message's id
        String answer = """
                {"update_id": 6, "message": {"message_id": 102, "date": %d,
                  "from": {"id": %d, "is_bot": false, "first_name": "Ann"}, "chat": {"id": %d, "type": "private"},
                  "reply_to_message": {"message_id": %s, "date": 1700000000, "chat": {"id": %d, "type": "private"}, "text": "An engineer"},
                  "text": "Thanks, morning is fine"}}
                """.formatted(Instant.now().getEpochSecond(), user, user, platformId.substring(platformId.indexOf(':') + 1), user);
        assertThat(deliver(answer, SECRET).statusCode()).isEqualTo(200);
        JsonNode third = caseOnQueue(user + ":102");
        assertThat(third.get("caseId").asText()).isEqualTo(caseId);
        assertThat(third.at("/thread/inReplyTo").asText()).isEqualTo(platformId);
    }

    @Test
    void aDocumentIsFetchedIntoTheAttachmentStore() throws Exception {
        long user = userId();
        byte[] pdf = "%PDF-1.4 tenancy agreement".getBytes(StandardCharsets.US_ASCII);
        TELEGRAM.stubFor(get(urlPathEqualTo("/bot" + TOKEN + "/getFile")).withQueryParam("file_id", equalTo("DOC-1"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"result\":{\"file_id\":\"DOC-1\",\"file_size\":26,\"file_path\":\"documents/file_7.pdf\"}}")));
        TELEGRAM.stubFor(get(urlPathEqualTo("/file/bot" + TOKEN + "/documents/file_7.pdf"))
                .willReturn(aResponse().withHeader("Content-Type", "application/octet-stream").withBody(pdf)));
        String update = """
                {"update_id": 7, "message": {"message_id": 300, "date": %d,
                  "from": {"id": %d, "is_bot": false, "first_name": "Ann"}, "chat": {"id": %d, "type": "private"},
                  "caption": "My tenancy agreement",
                  "document": {"file_id": "DOC-1", "file_unique_id": "u1", "file_name": "tenancy.pdf", "mime_type": "application/pdf", "file_size": 26}}}
                """.formatted(Instant.now().getEpochSecond(), user, user);
        assertThat(deliver(update, SECRET).statusCode()).isEqualTo(200);

        JsonNode value = caseOnQueue(user + ":300");
        JsonNode attachment = value.get("attachments").get(0);
        assertThat(attachment.get("filename").asText()).isEqualTo("tenancy.pdf");
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/pdf");
        assertThat(attachment.get("size").asLong()).isEqualTo(pdf.length);
        assertThat(attachment.get("sha256").asText()).isEqualTo(org.casebridge.store.BlobStore.sha256Hex(pdf));
        assertThat(value.at("/body/text").asText()).isEqualTo("My tenancy agreement");
    }

    @Test
    void unknownUpdateTypesAreAcknowledgedAndRecorded() {
        Integer before = jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'telegram' and event_type = 'message_reaction'", Integer.class);
        String update = """
                {"update_id": 8, "message_reaction": {"chat": {"id": 1, "type": "private"}, "message_id": 1, "date": 1700000000,
                  "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}
                """;
        assertThat(deliver(update, SECRET).statusCode()).isEqualTo(200);
        Integer after = jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'telegram' and event_type = 'message_reaction'", Integer.class);
        assertThat(after).isEqualTo(before + 1);
    }

    @Test
    void everyUpdateInTheCorpusIsHandledWithoutError() throws Exception {
        Path corpus = TelegramPlatformTests.CORPUS;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(corpus) || "true".equals(System.getenv("CI")));
        TELEGRAM.stubFor(get(urlPathEqualTo("/bot" + TOKEN + "/getFile")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"result\":{\"file_path\":\"media/file.bin\"}}")));
        TELEGRAM.stubFor(get(urlPathEqualTo("/file/bot" + TOKEN + "/media/file.bin")).willReturn(aResponse().withBody(new byte[]{1, 2, 3})));
        List<Path> files;
        try (Stream<Path> list = Files.list(corpus)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            HttpResponse<String> response = http.post("/webhooks/telegram", "application/json", Files.readAllBytes(file),
                    Map.of("X-Telegram-Bot-Api-Secret-Token", SECRET));
            assertThat(response.statusCode()).as(file + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void anOversizedCallIsRefusedBeforeItIsRead() throws Exception {
        byte[] huge = new byte[600 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        HttpResponse<String> response = http.post("/webhooks/telegram", "application/json", huge,
                Map.of("X-Telegram-Bot-Api-Secret-Token", SECRET));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:payload-too-large");
    }

    @Test
    void whenMediaCannotBeFetchedTheCallFailsAndTheRedeliveryMakesExactlyOneCase() throws Exception {
        long user = userId();
        TELEGRAM.stubFor(get(urlPathEqualTo("/bot" + TOKEN + "/getFile")).withQueryParam("file_id", equalTo("VOICE-9"))
                .willReturn(aResponse().withStatus(502)));
        String update = """
                {"update_id": 11, "message": {"message_id": 500, "date": %d,
                  "from": {"id": %d, "is_bot": false, "first_name": "Ann"}, "chat": {"id": %d, "type": "private"},
                  "voice": {"file_id": "VOICE-9", "file_unique_id": "v9", "duration": 3, "mime_type": "audio/ogg", "file_size": 5}}}
                """.formatted(Instant.now().getEpochSecond(), user, user);

        HttpResponse<String> failed = deliver(update, SECRET);
        assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(500);
        assertThat(messagesWithExternalId(user + ":500")).isZero();

        // Telegram delivers the update again; by then the file can be fetched
        TELEGRAM.stubFor(get(urlPathEqualTo("/bot" + TOKEN + "/getFile")).withQueryParam("file_id", equalTo("VOICE-9"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true,\"result\":{\"file_path\":\"voice/file_9.oga\"}}")));
        TELEGRAM.stubFor(get(urlPathEqualTo("/file/bot" + TOKEN + "/voice/file_9.oga")).willReturn(aResponse().withBody(new byte[]{9, 9, 9, 9, 9})));
        assertThat(deliver(update, SECRET).statusCode()).isEqualTo(200);
        assertThat(deliver(update, SECRET).statusCode()).isEqualTo(200);

        assertThat(messagesWithExternalId(user + ":500")).isEqualTo(1);
        JsonNode value = caseOnQueue(user + ":500");
        assertThat(value.at("/attachments/0/contentType").asText()).isEqualTo("audio/ogg");
        assertThat(value.at("/attachments/0/size").asLong()).isEqualTo(5);
    }

    @Test
    void aFileTelegramWillNotHandOverIsNamedInTheMessageInsteadOfFailingIt() throws Exception {
        long user = userId();
        // the Bot API does not serve files over 20 MB: getFile answers 400 for good
        TELEGRAM.stubFor(get(urlPathEqualTo("/bot" + TOKEN + "/getFile")).withQueryParam("file_id", equalTo("BIG-1"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: file is too big\"}")));
        String update = """
                {"update_id": 12, "message": {"message_id": 600, "date": %d,
                  "from": {"id": %d, "is_bot": false, "first_name": "Ann"}, "chat": {"id": %d, "type": "private"},
                  "caption": "Video of the leak",
                  "video": {"file_id": "BIG-1", "file_unique_id": "b1", "duration": 60, "mime_type": "video/mp4", "file_name": "leak.mp4"}}}
                """.formatted(Instant.now().getEpochSecond(), user, user);

        assertThat(deliver(update, SECRET).statusCode()).isEqualTo(200);

        JsonNode value = caseOnQueue(user + ":600");
        assertThat(value.get("attachments")).isEmpty();
        assertThat(value.at("/body/text").asText()).startsWith("Video of the leak")
                .contains("[leak.mp4 could not be fetched from telegram: the platform refused it (HTTP 400)]");
    }

    List<LoggedRequest> sendMessages(long chatId) {
        return TELEGRAM.findAll(postRequestedFor(urlPathEqualTo("/bot" + TOKEN + "/sendMessage"))).stream()
                .filter(r -> r.getBodyAsString().contains(String.valueOf(chatId))).toList();
    }

    Path rawDir() {
        return ports.dataDir().resolve("raw");
    }

    static long countFiles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }
}
