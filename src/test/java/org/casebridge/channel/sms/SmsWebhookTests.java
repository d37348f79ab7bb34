package org.casebridge.channel.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseSchema;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.store.AttachmentStore;
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

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

/**
 * SMS end to end: Twilio's signed webhooks over real HTTP into the running bridge, cases read from the broker over
 * TCP, and Twilio's Messages API and media served by WireMock.
 */
@BridgeContext("sms")
class SmsWebhookTests {

    static final String TOKEN = "twilio-test-auth-token";
    static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    static final String OUR_NUMBER = "+447700900001";
    static final String PUBLIC_URL = "https://bridge.example.org/webhooks/sms";
    static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
    static final String QUEUE = "casebridge.cases.new";
    static final String BACKOFFICE_KEY = "backoffice-key-change-me";

    static final WireMockServer twilio = new WireMockServer(options().dynamicPort());
    @Autowired
    TestInfrastructure.Ports infrastructure;

    static {
        twilio.start();
    }

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.sms.enabled", () -> "true");
        registry.add("casebridge.channels.sms.account-sid", () -> ACCOUNT);
        registry.add("casebridge.channels.sms.auth-token", () -> TOKEN);
        registry.add("casebridge.channels.sms.api-base-url", twilio::baseUrl);
        registry.add("casebridge.channels.sms.public-url", () -> PUBLIC_URL);
    }

    @AfterAll
    static void stopTwilio() {
        twilio.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    BrokerService broker;
    @Autowired
    CaseSchema schema;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AttachmentStore attachments;

    Http http;
    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
        twilio.resetAll();
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withTransformers()
                .withBody("{\"sid\": \"SM" + hex32() + "\", \"status\": \"queued\"}")));
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static String hex32() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    static String phone() {
        return "+4477009" + String.format("%05d", ThreadLocalRandom.current().nextInt(100000));
    }

    /** Form-encodes the pairs the way Twilio sends them: in order, UTF-8, spaces as '+'. */
    static String form(List<Map.Entry<String, String>> pairs) {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> pair : pairs) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(pair.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pair.getValue(), StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    static List<Map.Entry<String, String>> incoming(String sid, String from, String text) {
        return List.of(Map.entry("ToCountry", "GB"), Map.entry("SmsMessageSid", sid), Map.entry("NumMedia", "0"),
                Map.entry("FromCity", ""), Map.entry("Body", text), Map.entry("FromCountry", "GB"), Map.entry("To", OUR_NUMBER),
                Map.entry("MessageSid", sid), Map.entry("AccountSid", ACCOUNT), Map.entry("SmsSid", sid), Map.entry("From", from),
                Map.entry("SmsStatus", "received"), Map.entry("NumSegments", "1"), Map.entry("ApiVersion", "2010-04-01"));
    }

    /** Posts {@code body} to {@code path}, signed as Twilio signs it for the public URL. */
    HttpResponse<String> postSigned(String path, String body) {
        String signature = WebhookSignatures.twilioSignature(TOKEN, PUBLIC_URL + path.substring(SmsPlatform.PATH.length()),
                WebhookRequest.parseForm(body));
        return postForm(path, body.getBytes(StandardCharsets.UTF_8), signature);
    }

    HttpResponse<String> postForm(String path, byte[] body, String signature) {
        return http.post(path, "application/x-www-form-urlencoded; charset=UTF-8", body,
                signature == null ? Map.of() : Map.of("X-Twilio-Signature", signature, "I-Twilio-Idempotency-Token", UUID.randomUUID().toString()));
    }

    String caseOf(String sid) {
        List<String> ids = jdbc.queryForList("select case_id from cb_message where external_id = ? and direction = 'inbound'", String.class, sid);
        assertThat(ids).as("case of " + sid).hasSize(1);
        return ids.get(0);
    }

    List<LoggedRequest> messagesTo(String number, long timeoutMs) throws InterruptedException {
        return Awaitility.await("a message to " + number).atMost(Duration.ofMillis(timeoutMs)).pollInterval(Duration.ofMillis(50))
                .until(() -> sentTo(number), found -> !found.isEmpty());
    }

    List<LoggedRequest> sentTo(String number) {
        return twilio.findAll(postRequestedFor(urlPathEqualTo(MESSAGES))).stream()
                .filter(r -> WebhookRequest.parseForm(r.getBodyAsString()).contains(Map.entry("To", number))).toList();
    }

    static Map<String, String> formOf(LoggedRequest request) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        WebhookRequest.parseForm(request.getBodyAsString()).forEach(e -> form.putIfAbsent(e.getKey(), e.getValue()));
        return form;
    }

    long rawArchiveFiles() throws Exception {
        Path raw = infrastructure.dataDir().resolve("raw");
        if (!Files.exists(raw)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(raw)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    Map<String, Object> awaitDelivery(String messageId, String status) throws InterruptedException {
        return Awaitility.await("message " + messageId + " reaching delivery status " + status).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> jdbc.queryForList("select * from cb_message where message_id = ?", messageId),
                        rows -> !rows.isEmpty() && status.equals(rows.get(0).get("delivery_status")))
                .get(0);
    }

    String reply(String caseId, String text) throws Exception {
        HttpResponse<String> response = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                mapper.writeValueAsBytes(Map.of("text", text, "author", Map.of("name", "Housing Officer Jones"))),
                Map.of("X-Api-Key", BACKOFFICE_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("replyId").asText();
    }

    // --- tests ---------------------------------------------------------------------------------------------------

    @Test
    void signedSmsBecomesSchemaValidCaseOnTheQueueAndIsAcknowledgedBySms() throws Exception {
        String sid = "SM" + hex32();
        String from = phone();

        HttpResponse<String> response = postSigned("/webhooks/sms", form(incoming(sid, from, "The heating in flat 3 is broken again")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/xml"));
        assertThat(response.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
        String caseId = caseOf(sid);
        List<Message> published = probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 5000);
        assertThat(published).hasSize(1);
        JsonNode value = mapper.readTree(((TextMessage) published.get(0)).getText());
        assertThat(schema.violations(value)).isEmpty();
        assertThat(value.get("channel").asText()).isEqualTo("sms");
        assertThat(value.at("/body/text").asText()).isEqualTo("The heating in flat 3 is broken again");
        assertThat(value.at("/customer/phone").asText()).isEqualTo(from);
        assertThat(value.at("/customer/platformUserId").asText()).isEqualTo(from);
        assertThat(value.at("/source/system").asText()).isEqualTo("sms:" + OUR_NUMBER);
        assertThat(value.at("/source/externalId").asText()).isEqualTo(sid);
        assertThat(value.at("/source/rawRef").asText()).isNotEmpty();
        assertThat(value.at("/trust/verified").asBoolean()).isTrue();
        assertThat(value.at("/thread/method").asText()).isEqualTo("new");

        // the acknowledgement goes out as an SMS from the number the customer texted
        List<LoggedRequest> acknowledgements = messagesTo(from, 10_000);
        assertThat(acknowledgements).hasSize(1);
        Map<String, String> sent = formOf(acknowledgements.get(0));
        assertThat(sent).containsEntry("From", OUR_NUMBER).containsEntry("StatusCallback", PUBLIC_URL + "/status");
        assertThat(sent.get("Body")).contains(caseId);
        assertThat(acknowledgements.get(0).getHeader("Authorization")).isEqualTo(SmsPlatform.basicAuth(ACCOUNT, TOKEN));
        assertThat(acknowledgements.get(0).getHeaders().keys()).noneMatch(name -> name.startsWith("Casebridge") || name.startsWith("JMS"));

        // a second message from the same customer joins the case
        String second = "SM" + hex32();
        assertThat(postSigned("/webhooks/sms", form(incoming(second, from, "It is cold"))).statusCode()).isEqualTo(200);
        assertThat(caseOf(second)).isEqualTo(caseId);
    }

    @Test
    void checksTheSignatureOverTheBytesTwilioSends() throws Exception {
        // what Twilio sends: UTF-8 form encoding with '+' for spaces, %-escapes, an emoji, an empty value, a repeated key
        String sid = "SM" + hex32();
        String body = "ToCountry=GB&Body=Boiler+%26+radiator+%3D+cold+%F0%9F%A5%B6+100%25&FromCity=&To=%2B447700900001"
                + "&MessageSid=" + sid + "&AccountSid=" + ACCOUNT + "&From=%2B447700900777&NumMedia=0&Tag=a&Tag=b&ApiVersion=2010-04-01";
        // signed independently of the bridge's parser: the decoded pairs, sorted, written out by hand
        String signed = PUBLIC_URL + "AccountSid" + ACCOUNT + "ApiVersion2010-04-01BodyBoiler & radiator = cold \uD83E\uDD76 100%"
                + "From+447700900777FromCityMessageSid" + sid + "NumMedia0TagaTagbTo+447700900001ToCountryGB";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String signature = java.util.Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);

        // one byte changed ("cold" -> "colt"): the same signature no longer fits
        byte[] changed = bytes.clone();
        int at = body.indexOf("cold") + 3;
        changed[at] = 't';
        assertThat(postForm("/webhooks/sms", changed, signature).statusCode()).isEqualTo(401);

        HttpResponse<String> response = postForm("/webhooks/sms", bytes, signature);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String caseId = caseOf(sid);
        JsonNode value = mapper.readTree(jdbc.queryForObject("select payload from cb_message where external_id = ?", String.class, sid));
        assertThat(value.at("/body/text").asText()).isEqualTo("Boiler & radiator = cold \uD83E\uDD76 100%");
        assertThat(value.get("caseId").asText()).isEqualTo(caseId);
        // the archived call is the bytes as they came
        String rawRef = value.at("/source/rawRef").asText();
        assertThat(Files.readAllBytes(rawArchive(rawRef))).isEqualTo(bytes);
    }

    Path rawArchive(String ref) {
        try (Stream<Path> files = Files.walk(infrastructure.dataDir().resolve("raw"))) {
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            return files.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void sameWebhookTwiceGivesOneCaseMessage() throws Exception {
        String sid = "SM" + hex32();
        String body = form(incoming(sid, phone(), "Bin collection missed"));

        assertThat(postSigned("/webhooks/sms", body).statusCode()).isEqualTo(200);
        assertThat(postSigned("/webhooks/sms", body).statusCode()).isEqualTo(200);

        String caseId = caseOf(sid);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'inbound'", Integer.class, caseId))
                .isEqualTo(1);
        assertThat(probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 3000)).hasSize(1);
    }

    @Test
    void refusesBadSignatureWith401AndStoresNothing() throws Exception {
        String sid = "SM" + hex32();
        String body = form(incoming(sid, phone(), "Forged"));
        long archived = rawArchiveFiles();
        String refusals = "select count(*) from cb_rejection where problem_type like '%invalid-signature'";
        int rejections = jdbc.queryForObject(refusals, Integer.class);
        String goodSignature = WebhookSignatures.twilioSignature(TOKEN, PUBLIC_URL, WebhookRequest.parseForm(body));

        HttpResponse<String> wrongToken = postForm("/webhooks/sms", body.getBytes(StandardCharsets.UTF_8),
                WebhookSignatures.twilioSignature("another-token", PUBLIC_URL, WebhookRequest.parseForm(body)));
        HttpResponse<String> wrongUrl = postForm("/webhooks/sms", body.getBytes(StandardCharsets.UTF_8),
                WebhookSignatures.twilioSignature(TOKEN, "https://bridge.example.org/webhooks/smz", WebhookRequest.parseForm(body)));
        HttpResponse<String> unsigned = postForm("/webhooks/sms", body.getBytes(StandardCharsets.UTF_8), null);
        HttpResponse<String> otherQuery = postForm("/webhooks/sms?x=1", body.getBytes(StandardCharsets.UTF_8), goodSignature);

        for (HttpResponse<String> response : List.of(wrongToken, wrongUrl, unsigned, otherQuery)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(response.body()).contains("invalid-signature").doesNotContain("Forged");
        }
        assertThat(jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class, sid)).isZero();
        assertThat(rawArchiveFiles()).isEqualTo(archived);
        assertThat(jdbc.queryForObject(refusals, Integer.class)).isEqualTo(rejections + 4);
        assertThat(jdbc.queryForList("select detail from cb_rejection where channel = 'sms'", String.class)).noneMatch(d -> d.contains("Forged"));
    }

    @Test
    void acknowledgesUnknownEventWith200AndRecordsIt() {
        // a Twilio webhook of another product pointed at the SMS URL (Conversations)
        String body = form(List.of(Map.entry("AccountSid", ACCOUNT), Map.entry("EventType", "onConversationAdded"),
                Map.entry("ConversationSid", "CH" + hex32()), Map.entry("Source", "API")));
        int before = jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'sms' and event_type = 'onConversationAdded'",
                Integer.class);

        HttpResponse<String> response = postSigned("/webhooks/sms", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("<Response/>");
        Map<String, Object> row = jdbc.queryForList("select * from cb_webhook_event where channel = 'sms' and event_type = 'onConversationAdded'"
                + " order by received_at desc").get(0);
        assertThat(jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'sms' and event_type = 'onConversationAdded'",
                Integer.class)).isEqualTo(before + 1);
        assertThat(row.get("outcome")).isEqualTo("ignored");
        assertThat((String) row.get("raw_ref")).isNotBlank();
    }

    @Test
    void replyGoesOutThroughMessagesApiAndStatusCallbacksMoveItOn() throws Exception {
        String from = phone();
        String sid = "SM" + hex32();
        assertThat(postSigned("/webhooks/sms", form(incoming(sid, from, "When is the repair?"))).statusCode()).isEqualTo(200);
        String caseId = caseOf(sid);
        messagesTo(from, 10_000); // the acknowledgement
        String twilioSid = "SM" + hex32();
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).withRequestBody(WireMock.containing("Thursday"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"" + twilioSid + "\", \"status\": \"queued\", \"to\": \"" + from + "\"}")));

        String replyId = reply(caseId, "The plumber comes on Thursday & brings parts.");

        awaitDelivery(replyId, "sent");
        LoggedRequest call = messagesTo(from, 5000).stream().filter(r -> r.getBodyAsString().contains("Thursday")).findFirst().orElseThrow();
        assertThat(call.getUrl()).isEqualTo(MESSAGES);
        assertThat(call.getHeader("Authorization")).isEqualTo(SmsPlatform.basicAuth(ACCOUNT, TOKEN));
        assertThat(call.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(formOf(call)).containsExactly(Map.entry("To", from), Map.entry("From", OUR_NUMBER),
                Map.entry("Body", "The plumber comes on Thursday & brings parts."), Map.entry("StatusCallback", PUBLIC_URL + "/status"));
        JsonNode shown = mapper.readTree(http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", BACKOFFICE_KEY)).body());
        JsonNode delivery = java.util.stream.StreamSupport.stream(shown.get("deliveries").spliterator(), false)
                .filter(d -> d.get("messageId").asText().equals(replyId)).findFirst().orElseThrow();
        assertThat(delivery.get("status").asText()).isEqualTo("sent");

        // Twilio's StatusCallback: queued and sent change nothing, delivered moves it on, a late failed does not undo it
        for (String status : List.of("queued", "sent", "delivered", "undelivered")) {
            String callback = form(List.of(Map.entry("SmsSid", twilioSid), Map.entry("SmsStatus", status), Map.entry("MessageStatus", status),
                    Map.entry("To", from), Map.entry("MessageSid", twilioSid), Map.entry("AccountSid", ACCOUNT), Map.entry("From", OUR_NUMBER),
                    Map.entry("ApiVersion", "2010-04-01")));
            HttpResponse<String> response = postSigned("/webhooks/sms/status", callback);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        assertThat(awaitDelivery(replyId, "delivered").get("delivery_detail")).isNull();
    }

    @Test
    void undeliveredStatusCallbackReportsTheErrorCodeOnTheCase() throws Exception {
        String from = phone();
        String sid = "SM" + hex32();
        assertThat(postSigned("/webhooks/sms", form(incoming(sid, from, "Hello"))).statusCode()).isEqualTo(200);
        String caseId = caseOf(sid);
        messagesTo(from, 10_000);
        String twilioSid = "SM" + hex32();
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).withRequestBody(WireMock.containing("landline"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"sid\": \"" + twilioSid + "\"}")));
        String replyId = reply(caseId, "Is this a landline?");
        awaitDelivery(replyId, "sent");

        String callback = form(List.of(Map.entry("ErrorCode", "30006"), Map.entry("SmsSid", twilioSid), Map.entry("SmsStatus", "undelivered"),
                Map.entry("MessageStatus", "undelivered"), Map.entry("To", from), Map.entry("MessageSid", twilioSid),
                Map.entry("AccountSid", ACCOUNT), Map.entry("From", OUR_NUMBER), Map.entry("ApiVersion", "2010-04-01")));
        assertThat(postSigned("/webhooks/sms/status", callback).statusCode()).isEqualTo(200);

        String detail = (String) awaitDelivery(replyId, "failed").get("delivery_detail");
        assertThat(detail).contains("undelivered").contains("30006").contains("landline");
    }

    @Test
    void mmsMediaIsFetchedWithBasicAuthFollowingTheRedirect() throws Exception {
        byte[] photo = new byte[20_000];
        ThreadLocalRandom.current().nextBytes(photo);
        String sid = "MM" + hex32();
        String mediaPath = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + sid + "/Media/ME" + hex32().substring(0, 30) + "ab";
        twilio.stubFor(get(urlPathEqualTo(mediaPath)).withHeader("Authorization", equalTo(SmsPlatform.basicAuth(ACCOUNT, TOKEN)))
                .willReturn(aResponse().withStatus(307).withHeader("Location", "http://127.0.0.1:" + twilio.port() + "/cdn/photo-" + sid)));
        // the CDN is another origin: Twilio's credentials must not follow the redirect there (a signed CDN URL refuses them)
        twilio.stubFor(get(urlPathEqualTo("/cdn/photo-" + sid)).withHeader("Authorization", WireMock.absent())
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "image/jpeg").withBody(photo)));
        String from = phone();
        List<Map.Entry<String, String>> pairs = new java.util.ArrayList<>(incoming(sid, from, "Photo of the damp wall"));
        pairs.removeIf(e -> e.getKey().equals("NumMedia"));
        pairs.add(Map.entry("NumMedia", "1"));
        pairs.add(Map.entry("MediaContentType0", "image/jpeg"));
        pairs.add(Map.entry("MediaUrl0", twilio.baseUrl() + mediaPath));

        HttpResponse<String> response = postSigned("/webhooks/sms", form(pairs));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode value = mapper.readTree(jdbc.queryForObject("select payload from cb_message where external_id = ?", String.class, sid));
        assertThat(schema.violations(value)).isEmpty();
        JsonNode attachment = value.get("attachments").get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(attachment.get("size").asLong()).isEqualTo(photo.length);
        assertThat(attachment.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(photo)));
        assertThat(attachment.get("filename").asText()).endsWith(".jpg");
        assertThat(attachments.get(attachment.get("ref").asText())).isEqualTo(photo);
    }

    @Test
    void stopIsRecordedOnTheCaseButNeverAcknowledged() throws Exception {
        String from = phone();
        String sid = "SM" + hex32();
        List<Map.Entry<String, String>> pairs = new java.util.ArrayList<>(incoming(sid, from, "Stop"));
        pairs.add(Map.entry("OptOutType", "STOP"));

        HttpResponse<String> response = postSigned("/webhooks/sms", form(pairs));

        assertThat(response.statusCode()).isEqualTo(200);
        String caseId = caseOf(sid);
        assertThat(probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 5000)).hasSize(1);
        // the acknowledgement would have been decided before the webhook's answer
        assertThat(jdbc.queryForObject("select count(*) from cb_acknowledgement where recipient = ?", Integer.class, "sms:" + from)).isZero();
        // a customer who writes normally right after is acknowledged: the STOP's would have gone first
        String other = phone();
        assertThat(postSigned("/webhooks/sms", form(incoming("SM" + hex32(), other, "Hello"))).statusCode()).isEqualTo(200);
        assertThat(messagesTo(other, 10_000)).hasSize(1);
        // nothing may reach the first sender: watch for half a second
        Awaitility.await("nothing to " + from).during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> sentTo(from).isEmpty());
        assertThat(sentTo(from)).isEmpty();
    }

    @Test
    void replyToOptedOutNumberFailsOnTheCaseWithoutRetries() throws Exception {
        String from = phone();
        String sid = "SM" + hex32();
        assertThat(postSigned("/webhooks/sms", form(incoming(sid, from, "Please call me"))).statusCode()).isEqualTo(200);
        String caseId = caseOf(sid);
        messagesTo(from, 10_000);
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).withRequestBody(WireMock.containing("opted"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"code\": 21610, \"message\": \"Attempt to send to unsubscribed recipient\", \"more_info\":"
                                + " \"https://www.twilio.com/docs/errors/21610\", \"status\": 400}")));

        String replyId = reply(caseId, "Sorry you opted out");

        String detail = (String) awaitDelivery(replyId, "failed").get("delivery_detail");
        assertThat(detail).contains("21610").contains("unsubscribed recipient");
        // a failed send is not retried: no second call may follow
        Awaitility.await("no retry").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> twilio.findAll(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(WireMock.containing("opted"))).size() == 1);
        assertThat(twilio.findAll(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(WireMock.containing("opted")))).hasSize(1);
    }

    @Test
    void serverErrorsFromTwilioAreRetried() throws Exception {
        String from = phone();
        String sid = "SM" + hex32();
        assertThat(postSigned("/webhooks/sms", form(incoming(sid, from, "Any news?"))).statusCode()).isEqualTo(200);
        String caseId = caseOf(sid);
        messagesTo(from, 10_000);
        String twilioSid = "SM" + hex32();
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(WireMock.containing("retry"))
                .willReturn(aResponse().withStatus(503)).willSetStateTo("rate-limited"));
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).inScenario("flaky").whenScenarioStateIs("rate-limited")
                .withRequestBody(WireMock.containing("retry"))
                .willReturn(aResponse().withStatus(429).withBody("{\"code\": 20429, \"message\": \"Too Many Requests\"}")).willSetStateTo("up"));
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).inScenario("flaky").whenScenarioStateIs("up")
                .withRequestBody(WireMock.containing("retry"))
                .willReturn(aResponse().withStatus(201).withBody("{\"sid\": \"" + twilioSid + "\"}")));

        String replyId = reply(caseId, "We retry until it works");

        Map<String, Object> row = awaitDelivery(replyId, "sent");
        assertThat(row.get("external_id")).isEqualTo(twilioSid);
        assertThat(twilio.findAll(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(WireMock.containing("retry")))).hasSize(3);
    }

    @Test
    void tooLongReplyIsRefusedWithAReasonBeforeTwilioIsCalled() throws Exception {
        String from = phone();
        String sid = "SM" + hex32();
        assertThat(postSigned("/webhooks/sms", form(incoming(sid, from, "Long story"))).statusCode()).isEqualTo(200);
        String caseId = caseOf(sid);
        messagesTo(from, 10_000);

        String replyId = reply(caseId, "long ".repeat(400));

        assertThat((String) awaitDelivery(replyId, "failed").get("delivery_detail")).contains("1600").contains("characters");
        assertThat(twilio.findAll(postRequestedFor(urlPathEqualTo(MESSAGES)).withRequestBody(WireMock.containing("long+long")))).isEmpty();
    }
}
