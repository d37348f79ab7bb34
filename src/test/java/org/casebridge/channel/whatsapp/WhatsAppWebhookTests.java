package org.casebridge.channel.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseSchema;
import org.casebridge.channel.chat.WebhookSignatures;
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
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WhatsApp channel end to end: a bridge of its own with the channel enabled, Meta's webhook calls over real HTTP,
 * the broker over TCP, and the Graph API played by WireMock (messages, media descriptions, media downloads).
 */
@BridgeContext("whatsapp")
class WhatsAppWebhookTests {

    static final String SECRET = "test-app-secret";
    static final String ACCESS_TOKEN = "test-access-token";
    static final String NUMBER_ID = "106540352242922";
    static final String MESSAGES_PATH = "/v21.0/" + NUMBER_ID + "/messages";
    static final String BACKOFFICE_KEY = "backoffice-key-change-me";
    static final String NEW_CASES = "casebridge.cases.new";
    /** A customer whose number WhatsApp refuses (the stub answers 400 for it). */
    static final String UNREACHABLE = "447700900999";
    /** A customer for whom the Graph API drops the connection (the stub resets it). */
    static final String NETWORK_FAILURE = "447700900888";
    static final byte[] PHOTO = photo();

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort().globalTemplating(true));
    @Autowired
    TestInfrastructure.Ports infrastructure;
    static final AtomicInteger SEQUENCE = new AtomicInteger();

    static {
        GRAPH.start();
    }

    @DynamicPropertySource
    static void whatsapp(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.whatsapp.enabled", () -> true);
        registry.add("casebridge.channels.whatsapp.app-secret", () -> SECRET);
        registry.add("casebridge.channels.whatsapp.verify-token", () -> "meta-verify-token");
        registry.add("casebridge.channels.whatsapp.access-token", () -> ACCESS_TOKEN);
        registry.add("casebridge.channels.whatsapp.graph-base-url", GRAPH::baseUrl);
        registry.add("casebridge.channels.whatsapp.reopen-template.name", () -> "case_reopen");
        registry.add("casebridge.channels.whatsapp.reopen-template.case-reference-parameter", () -> true);
    }

    @AfterAll
    static void stopGraph() {
        GRAPH.stop();
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

    @BeforeEach
    void stubGraphApi() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
        GRAPH.resetAll();
        GRAPH.stubFor(post(urlEqualTo(MESSAGES_PATH)).atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"{{jsonPath request.body '$.to'}}\","
                        + "\"wa_id\":\"{{jsonPath request.body '$.to'}}\"}],\"messages\":[{\"id\":\"wamid.OUT{{randomValue length=24 type='ALPHANUMERIC'}}\"}]}")));
        GRAPH.stubFor(post(urlEqualTo(MESSAGES_PATH)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(UNREACHABLE)))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"error":{"message":"(#131026) Message undeliverable","type":"OAuthException","code":131026,
                        "error_data":{"messaging_product":"whatsapp","details":"Message Undeliverable."},"fbtrace_id":"AbCdEf"}}""")));
        GRAPH.stubFor(post(urlEqualTo(MESSAGES_PATH)).atPriority(1).withRequestBody(matchingJsonPath("$.to", equalTo(NETWORK_FAILURE)))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        GRAPH.stubFor(get(urlEqualTo("/v21.0/1003383421387256")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"messaging_product":"whatsapp","url":"%s/whatsapp-media/1003383421387256?ext=1749416400&hash=ATtest",
                        "mime_type":"image/jpeg","sha256":"unused","file_size":%d,"id":"1003383421387256"}""".formatted(GRAPH.baseUrl(), PHOTO.length))));
        GRAPH.stubFor(get(urlPathEqualTo("/whatsapp-media/1003383421387256"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "image/jpeg").withBody(PHOTO)));
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    static byte[] photo() {
        byte[] bytes = new byte[4096];
        bytes[0] = (byte) 0xFF;
        bytes[1] = (byte) 0xD8;
        for (int i = 2; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    /** A customer number of its own for each test, so its messages open a case of their own. */
    static String newCustomer() {
        return "4477009" + String.format("%05d", 10000 + SEQUENCE.incrementAndGet() * 7 % 90000);
    }

    /** The fixture as sent by {@code customer}, with message ids made unique by {@code tag}. */
    static byte[] payload(String fixture, String customer, String tag) {
        try {
            String json = Files.readString(Path.of("src/test/resources/chat/whatsapp", fixture));
            return json.replace("447700900123", customer).replace("wamid.HBgM", "wamid." + tag + "HBgM").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> deliver(byte[] body) {
        return http.post("/webhooks/whatsapp", "application/json", body, Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256(SECRET, body)));
    }

    JsonNode publishedCase(String customer) throws Exception {
        List<Message> messages = probe.receive(NEW_CASES, null, 5000).stream().filter(m -> text(m).contains(customer)).toList();
        assertThat(messages).as("a case from " + customer + " on " + NEW_CASES).hasSize(1);
        return mapper.readTree(text(messages.get(0)));
    }

    static String text(Message message) {
        try {
            return ((TextMessage) message).getText();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    String caseOf(String customer) {
        return await(() -> jdbc.queryForList("select case_id from cb_message where direction = 'inbound' and channel = 'whatsapp'"
                + " and payload like ?", String.class, "%" + customer + "%").stream().findFirst().orElse(null), "a case from " + customer);
    }

    List<LoggedRequest> messagesTo(String customer) {
        return GRAPH.findAll(postRequestedFor(urlEqualTo(MESSAGES_PATH)).withRequestBody(matchingJsonPath("$.to", equalTo(customer))));
    }

    /** The outbound message of {@code replyId} once its delivery status is {@code status}. */
    Map<String, Object> awaitDelivery(String replyId, String status) {
        return await(() -> jdbc.queryForList("select * from cb_message where message_id = ?", replyId).stream()
                .filter(row -> status.equals(row.get("delivery_status"))).findFirst().orElse(null), "reply " + replyId + " " + status);
    }

    static <T> T await(Supplier<T> probe, String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(probe::get, value -> value != null);
    }

    String reply(String caseId, String text) throws Exception {
        HttpResponse<String> response = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                mapper.writeValueAsBytes(Map.of("text", text)), Map.of("X-Api-Key", BACKOFFICE_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("replyId").asText();
    }

    JsonNode caseView(String caseId) throws Exception {
        HttpResponse<String> response = http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", BACKOFFICE_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    long rawArchiveFiles() throws IOException {
        Path raw = infrastructure.dataDir().resolve("raw");
        if (!Files.exists(raw)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(raw)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    // ---------------------------------------------------------------------------------------------------- tests

    @Test
    void signedTextMessageBecomesASchemaValidCaseAndIsAcknowledgedOnWhatsApp() throws Exception {
        String customer = newCustomer();
        HttpResponse<String> answer = deliver(payload("text.json", customer, "T1"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode published = publishedCase(customer);
        assertThat(schema.violations(published)).isEmpty();
        assertThat(published.get("channel").asText()).isEqualTo("whatsapp");
        assertThat(published.at("/customer/platformUserId").asText()).isEqualTo(customer);
        assertThat(published.at("/customer/phone").asText()).isEqualTo("+" + customer);
        assertThat(published.at("/customer/displayName").asText()).isEqualTo("Sheena Nelson");
        assertThat(published.at("/source/system").asText()).isEqualTo("whatsapp:" + NUMBER_ID);
        assertThat(published.at("/source/externalId").asText()).startsWith("wamid.T1");
        assertThat(published.at("/trust/verified").asBoolean()).isTrue();
        assertThat(published.at("/thread/method").asText()).isEqualTo("new");
        assertThat(published.at("/body/text").asText()).startsWith("Hello, the boiler in flat 4");

        // the acknowledgement goes back through the Graph API, from the number the customer wrote to
        String caseId = published.get("caseId").asText();
        List<LoggedRequest> sent = await(() -> messagesTo(customer).isEmpty() ? null : messagesTo(customer), "the acknowledgement");
        JsonNode ack = mapper.readTree(sent.get(0).getBodyAsString());
        assertThat(ack.get("type").asText()).isEqualTo("text");
        assertThat(ack.at("/text/body").asText()).contains("Your reference is " + caseId);
        assertThat(sent.get(0).getHeader("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN);
    }

    @Test
    void aReplyFromTheBackOfficeGoesToTheGraphApiAndStatusesMoveItsDelivery() throws Exception {
        String customer = newCustomer();
        assertThat(deliver(payload("text.json", customer, "R1")).statusCode()).isEqualTo(200);
        String caseId = caseOf(customer);
        await(() -> messagesTo(customer).isEmpty() ? null : true, "the acknowledgement");

        String replyId = reply(caseId, "An engineer will visit today between 2 and 4pm.");

        Map<String, Object> sent = awaitDelivery(replyId, "sent");
        String wamid = (String) sent.get("external_id");
        assertThat(wamid).startsWith("wamid.OUT");
        List<LoggedRequest> calls = GRAPH.findAll(postRequestedFor(urlEqualTo(MESSAGES_PATH))
                .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"messaging_product":"whatsapp","to":"%s","type":"text","text":{"body":"An engineer will visit today between 2 and 4pm."}}
                        """.formatted(customer), true, true)));
        assertThat(calls).hasSize(1);
        assertThat(caseView(caseId).get("deliveries")).anySatisfy(d -> {
            assertThat(d.get("messageId").asText()).isEqualTo(replyId);
            assertThat(d.get("status").asText()).isEqualTo("sent");
        });

        byte[] statuses = payload("statuses.json", customer, "S1").clone();
        String receipts = new String(statuses, StandardCharsets.UTF_8)
                .replace("wamid.S1HBgMNDQ3NzAwOTAwMTIzFQIAERgSU0VOVDAwMDAwMDAwMDAwMDEA", wamid);
        // delivered first, then read (statuses.json also holds sent, and a failure of a message this bridge never sent)
        String delivered = receipts.replaceFirst("\"status\": \"read\"", "\"status\": \"delivered\"");
        assertThat(deliver(delivered.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        awaitDelivery(replyId, "delivered");
        assertThat(deliver(receipts.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
        awaitDelivery(replyId, "read");
        assertThat(caseView(caseId).get("deliveries")).anySatisfy(d -> {
            assertThat(d.get("messageId").asText()).isEqualTo(replyId);
            assertThat(d.get("status").asText()).isEqualTo("read");
        });
    }

    @Test
    void aFailedStatusIsReportedOnTheCaseWithWhatsAppsReason() throws Exception {
        String customer = newCustomer();
        assertThat(deliver(payload("text.json", customer, "F1")).statusCode()).isEqualTo(200);
        String caseId = caseOf(customer);
        await(() -> messagesTo(customer).isEmpty() ? null : true, "the acknowledgement");
        String replyId = reply(caseId, "Could you send a photo of the meter?");
        String wamid = (String) awaitDelivery(replyId, "sent").get("external_id");

        String failed = new String(payload("statuses.json", customer, "F1"), StandardCharsets.UTF_8)
                .replace("wamid.F1HBgMNDQ3NzAwOTAwMTIzFQIAERgSRkFJTEVEMDAwMDAwMDAwMDAyAA==", wamid);
        assertThat(deliver(failed.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);

        Map<String, Object> row = awaitDelivery(replyId, "failed");
        assertThat((String) row.get("delivery_detail")).contains("131047", "more than 24 hours");
    }

    @Test
    void theSameWebhookDeliveredTwiceMakesOneCaseMessage() throws Exception {
        String customer = newCustomer();
        byte[] body = payload("text.json", customer, "D1");
        assertThat(deliver(body).statusCode()).isEqualTo(200);
        assertThat(deliver(body).statusCode()).isEqualTo(200);

        String caseId = caseOf(customer);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'inbound'", Integer.class, caseId))
                .isEqualTo(1);
        assertThat(probe.receive(NEW_CASES, "CasebridgeCaseId = '" + caseId + "'", 3000)).hasSize(1);
    }

    @Test
    void aBadSignatureIsRefusedWith401AndNothingIsStored() throws Exception {
        String customer = newCustomer();
        byte[] body = payload("text.json", customer, "B1");
        long archived = rawArchiveFiles();
        byte[] tampered = body.clone();
        tampered[tampered.length - 10] ^= 1;

        for (Map<String, String> headers : List.of(Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256(SECRET, body)),
                Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256("not-the-secret", tampered)), Map.<String, String>of())) {
            HttpResponse<String> answer = http.post("/webhooks/whatsapp", "application/json", tampered, headers);
            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(mapper.readTree(answer.body()).get("type").asText()).endsWith("invalid-signature");
        }
        assertThat(rawArchiveFiles()).isEqualTo(archived);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where payload like ?", Integer.class, "%" + customer + "%")).isZero();
        assertThat(probe.receive(NEW_CASES, null, 500)).noneMatch(m -> text(m).contains(customer));
    }

    @Test
    void answersMetasVerificationHandshakeAndRefusesAWrongToken() {
        HttpResponse<String> ok = http.get("/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meta-verify-token", Map.of());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));

        HttpResponse<String> wrong = http.get("/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess", Map.of());
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain("1158201444");
    }

    @Test
    void unknownEventTypesAreAcknowledgedAndRecorded() throws Exception {
        long before = jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'whatsapp'", Long.class);
        String customer = newCustomer();
        assertThat(deliver(payload("reaction.json", customer, "U1")).statusCode()).isEqualTo(200);
        assertThat(deliver(payload("template-status-update.json", customer, "U3")).statusCode()).isEqualTo(200);

        List<Map<String, Object>> rows = jdbc.queryForList("select event_type, outcome, raw_ref from cb_webhook_event where channel = 'whatsapp'"
                + " order by received_at");
        assertThat(rows).hasSize((int) before + 2);
        assertThat(rows.subList((int) before, rows.size())).extracting(r -> r.get("event_type"))
                .containsExactly("reaction", "message_template_status_update");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("raw_ref")).isNotNull());
        assertThat(jdbc.queryForObject("select count(*) from cb_message where payload like ?", Integer.class, "%" + customer + "%")).isZero();
    }

    @Test
    void aMessageTypeTheBridgeCannotShowStillBecomesACaseMessageWithItsRawPayload() throws Exception {
        String customer = newCustomer();
        assertThat(deliver(payload("unsupported.json", customer, "U2")).statusCode()).isEqualTo(200);

        JsonNode value = publishedCase(customer);
        assertThat(value.at("/body/text").asText()).contains("type 'unsupported'", "Message type is currently not supported.");
        assertThat(value.at("/source/rawRef").asText()).startsWith("raw/");
    }

    @Test
    void anImageIsDownloadedFromTheGraphApiIntoTheAttachmentStore() throws Exception {
        String customer = newCustomer();
        assertThat(deliver(payload("image.json", customer, "I1")).statusCode()).isEqualTo(200);

        JsonNode published = publishedCase(customer);
        assertThat(schema.violations(published)).isEmpty();
        assertThat(published.at("/body/text").asText()).isEqualTo("Damp patch above the window");
        JsonNode attachment = published.at("/attachments/0");
        assertThat(attachment.get("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(attachment.get("size").asLong()).isEqualTo(PHOTO.length);
        String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(PHOTO));
        assertThat(attachment.get("sha256").asText()).isEqualTo(expected);
        GRAPH.verify(getRequestedFor(urlEqualTo("/v21.0/1003383421387256")).withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
        GRAPH.verify(getRequestedFor(urlPathEqualTo("/whatsapp-media/1003383421387256")).withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN)));
    }

    @Test
    void outsideTheWindowTheReplyIsNotSentTheTemplateIsAndTheCaseIsFlagged() throws Exception {
        String customer = newCustomer();
        assertThat(deliver(payload("text.json", customer, "W1")).statusCode()).isEqualTo(200);
        String caseId = caseOf(customer);
        await(() -> messagesTo(customer).isEmpty() ? null : true, "the acknowledgement");
        // the customer last wrote 25 hours ago
        jdbc.update("update cb_message set received_at = ? where case_id = ? and direction = 'inbound'",
                OffsetDateTime.now(ZoneOffset.UTC).minusHours(25), caseId);
        GRAPH.resetRequests();

        String replyId = reply(caseId, "Your repair is booked for Friday.");

        Map<String, Object> row = awaitDelivery(replyId, "failed");
        assertThat((String) row.get("delivery_detail")).contains("outside the 24-hour window", "case_reopen");
        List<LoggedRequest> sent = messagesTo(customer);
        assertThat(sent).hasSize(1);
        assertThat(mapper.readTree(sent.get(0).getBodyAsString())).isEqualTo(mapper.readTree("""
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"%s","type":"template",
                 "template":{"name":"case_reopen","language":{"code":"en_GB"},
                             "components":[{"type":"body","parameters":[{"type":"text","text":"%s"}]}]}}
                """.formatted(customer, caseId)));
        assertThat(sent.get(0).getBodyAsString()).doesNotContain("Your repair is booked");
        JsonNode view = caseView(caseId);
        assertThat(view.get("attention")).extracting(JsonNode::asText).containsExactly("whatsapp-window-closed");
        assertThat(probe.count("casebridge.replies.dlq", "CasebridgeCaseId = '" + caseId + "'")).isEqualTo(1);

        // the customer writes back: the window is open again, and the next reply goes out as written and clears the flag
        assertThat(deliver(payload("button.json", customer, "W2")).statusCode()).isEqualTo(200);
        await(() -> jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'inbound'", Integer.class, caseId) == 2
                ? true : null, "the customer's answer on the case");
        String again = reply(caseId, "Your repair is booked for Friday.");
        awaitDelivery(again, "sent");
        assertThat(caseView(caseId).get("attention")).isEmpty();
    }

    @Test
    void aRecipientWhatsAppRefusesFailsTheReplyAtOnceWithTheApisReason() throws Exception {
        assertThat(deliver(payload("text.json", UNREACHABLE, "X1")).statusCode()).isEqualTo(200);
        String caseId = caseOf(UNREACHABLE);
        String replyId = reply(caseId, "Hello?");

        Map<String, Object> row = awaitDelivery(replyId, "failed");
        assertThat((String) row.get("delivery_detail")).contains("HTTP 400", "131026", "Message undeliverable");
        // a refusal is not retried: one call for the reply (the acknowledgement was refused the same way)
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo(MESSAGES_PATH)).withRequestBody(matchingJsonPath("$.text.body", equalTo("Hello?")))))
                .hasSize(1);
    }

    @Test
    void aGraphApiThatDropsTheConnectionIsRetriedThenTheReplyFails() throws Exception {
        assertThat(deliver(payload("text.json", NETWORK_FAILURE, "N1")).statusCode()).isEqualTo(200);
        String caseId = caseOf(NETWORK_FAILURE);
        String replyId = reply(caseId, "Can you hear me?");

        Map<String, Object> row = awaitDelivery(replyId, "failed");
        assertThat((String) row.get("delivery_detail")).isNotBlank();
        // the first attempt and casebridge.errors.maximum-redeliveries (3) more, never hanging on the lost connection
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo(MESSAGES_PATH)).withRequestBody(matchingJsonPath("$.text.body", equalTo("Can you hear me?")))))
                .hasSize(4);
        // the reply (and the acknowledgement before it, sent to the same number) ended on the dead-letter queue
        assertThat(probe.count("casebridge.replies.dlq", "CasebridgeReplyId = '" + replyId + "'")).isEqualTo(1);
    }
}
