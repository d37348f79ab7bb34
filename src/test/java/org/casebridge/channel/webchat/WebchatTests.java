package org.casebridge.channel.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseSchema;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The web chat end to end: the widget's calls over real HTTP, cases read from the broker, replies read from the stream. */
class WebchatTests extends WebchatBridgeTest {

    private static final String QUEUE = "casebridge.cases.new";

    @Autowired
    BrokerService broker;
    @Autowired
    CaseSchema schema;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    WebchatRateLimiter limiter;
    @Autowired
    WebchatProperties properties;

    Http http;
    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(PORT);
        probe = new BrokerProbe(broker);
    }

    @Test
    void visitorMessageBecomesSchemaValidCaseOnTheQueue() throws Exception {
        String token = newVisitor(http, mapper);
        String clientId = UUID.randomUUID().toString();

        HttpResponse<String> response = postMessage(http, token, """
                {"text": "The heating in flat 4 is broken\\nSince Monday.", "name": "Amira Hassan", "email": "Amira@Example.ORG",
                 "clientMessageId": "%s"}""".formatted(clientId), Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ORIGIN);
        String visitorId = WebchatVisitors.visitorIdOf(token);
        String caseId = caseOf(visitorId + ":" + clientId);
        List<Message> published = probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 5000);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).getStringProperty("CasebridgeChannel")).isEqualTo("webchat");
        JsonNode value = mapper.readTree(((TextMessage) published.get(0)).getText());
        assertThat(schema.violations(value)).isEmpty();
        assertThat(value.get("channel").asText()).isEqualTo("webchat");
        assertThat(value.get("subject").asText()).isEqualTo("The heating in flat 4 is broken");
        assertThat(value.at("/body/text").asText()).isEqualTo("The heating in flat 4 is broken\nSince Monday.");
        assertThat(value.at("/customer/platformUserId").asText()).isEqualTo(visitorId);
        assertThat(value.at("/customer/displayName").asText()).isEqualTo("Amira Hassan");
        assertThat(value.at("/customer/email").asText()).isEqualTo("Amira@example.org");
        assertThat(value.at("/source/system").asText()).isEqualTo("webchat:demo");
        assertThat(value.at("/source/externalId").asText()).isEqualTo(visitorId + ":" + clientId);
        assertThat(value.at("/source/rawRef").asText()).isNotBlank();
        assertThat(value.at("/thread/method").asText()).isEqualTo("new");
        assertThat(value.at("/trust/verified").asBoolean()).isFalse();
        assertThat(value.at("/trust/method").asText()).isEqualTo("visitor-token");
        // the token itself is nowhere in the case, nor in the database
        assertThat(((TextMessage) published.get(0)).getText()).doesNotContain(token);
        assertThat(jdbc.queryForObject("select count(*) from cb_webchat_visitor where token_sha256 = ?", Integer.class, token)).isZero();
    }

    @Test
    void returningVisitorContinuesTheSameCase() throws Exception {
        String token = newVisitor(http, mapper);
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();

        assertThat(postMessage(http, token, "{\"text\": \"Mould in the bathroom\", \"clientMessageId\": \"" + first + "\"}", Map.of())
                .statusCode()).isEqualTo(200);
        assertThat(postMessage(http, token, "{\"text\": \"Photos to follow\", \"clientMessageId\": \"" + second + "\"}", Map.of())
                .statusCode()).isEqualTo(200);

        String visitorId = WebchatVisitors.visitorIdOf(token);
        String caseId = caseOf(visitorId + ":" + first);
        assertThat(caseOf(visitorId + ":" + second)).isEqualTo(caseId);
        JsonNode joined = mapper.readTree(jdbc.queryForObject("select payload from cb_message where external_id = ?", String.class,
                visitorId + ":" + second));
        assertThat(joined.at("/thread/method").asText()).isEqualTo("platform");
        // another visitor opens a case of their own
        String other = newVisitor(http, mapper);
        String third = UUID.randomUUID().toString();
        assertThat(postMessage(http, other, "{\"text\": \"Mould too\", \"clientMessageId\": \"" + third + "\"}", Map.of()).statusCode())
                .isEqualTo(200);
        assertThat(caseOf(WebchatVisitors.visitorIdOf(other) + ":" + third)).isNotEqualTo(caseId);
    }

    @Test
    void sameClientMessageIdTwiceIsOneCaseMessage() throws Exception {
        String token = newVisitor(http, mapper);
        String body = message("Is my rent payment received?");

        assertThat(postMessage(http, token, body, Map.of()).statusCode()).isEqualTo(200);
        assertThat(postMessage(http, token, body, Map.of()).statusCode()).isEqualTo(200);

        String visitorId = WebchatVisitors.visitorIdOf(token);
        assertThat(jdbc.queryForObject("select count(*) from cb_message m join cb_case_participant p on p.case_id = m.case_id"
                + " where p.address = ? and m.direction = 'inbound'", Integer.class, visitorId)).isEqualTo(1);
        String caseId = jdbc.queryForObject("select case_id from cb_case_participant where address = ?", String.class, visitorId);
        assertThat(probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 3000)).hasSize(1);
    }

    @Test
    void refusesDisallowedOriginAndStoresNothing() throws Exception {
        String token = newVisitor(http, mapper);
        int messages = count("cb_message");
        int archived = archivedFiles();

        HttpResponse<String> response = postMessage(http, token, message("From elsewhere"), Map.of("Origin", "http://evil.example"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:origin-not-allowed");
        // the preflight from that origin is refused too; the site's own origin gets its answer
        HttpResponse<String> preflight = preflight("http://evil.example");
        assertThat(preflight.statusCode()).isEqualTo(403);
        HttpResponse<String> allowed = preflight(ORIGIN);
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(ORIGIN);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains(WebchatHeaders.TOKEN);
        // a POST without any Origin (not from a browser page) is refused as well
        HttpResponse<String> noOrigin = postMessage(http, token, message("No origin"), Map.of("Origin", ""));
        assertThat(noOrigin.statusCode()).isEqualTo(403);
        assertThat(count("cb_message")).isEqualTo(messages);
        assertThat(archivedFiles()).isEqualTo(archived);
    }

    @Test
    void refusesUnknownSiteKeyAndUnknownToken() throws Exception {
        String token = newVisitor(http, mapper);
        int messages = count("cb_message");

        HttpResponse<String> badKey = postMessage(http, token, message("Hello"), Map.of(WebchatHeaders.KEY, "not-the-key"));
        assertThat(badKey.statusCode()).isEqualTo(401);
        assertThat(mapper.readTree(badKey.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-site-key");

        HttpResponse<String> badToken = postMessage(http, "made-up-token", message("Hello"), Map.of());
        assertThat(badToken.statusCode()).isEqualTo(401);
        assertThat(mapper.readTree(badToken.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-visitor-token");

        HttpResponse<String> noSession = http.post("/webchat/v1/sessions", "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(WebchatHeaders.SITE, SITE, WebchatHeaders.KEY, "wrong", "Origin", ORIGIN));
        assertThat(noSession.statusCode()).isEqualTo(401);
        assertThat(count("cb_message")).isEqualTo(messages);
    }

    @Test
    void refusesInvalidMessageWithFieldErrors() throws Exception {
        String token = newVisitor(http, mapper);

        HttpResponse<String> response = postMessage(http, token, "{\"text\": \" \", \"email\": \"not-an-address\", \"colour\": \"red\"}", Map.of());

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = mapper.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-message");
        assertThat(problem.get("errors").findValuesAsText("pointer")).containsExactlyInAnyOrder("/colour", "/text", "/email");

        // over casebridge.channels.webchat.max-request-size (64 KB): refused before the body is read
        HttpResponse<String> tooLarge = postMessage(http, token, message("x".repeat(70_000)), Map.of());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(mapper.readTree(tooLarge.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:payload-too-large");
    }

    @Test
    void replyReachesTheVisitorsStreamAndIsDeliveredThenRead() throws Exception {
        String token = newVisitor(http, mapper);
        String clientId = UUID.randomUUID().toString();
        assertThat(postMessage(http, token, "{\"text\": \"Window will not close\", \"clientMessageId\": \"" + clientId + "\"}", Map.of())
                .statusCode()).isEqualTo(200);
        String caseId = caseOf(WebchatVisitors.visitorIdOf(token) + ":" + clientId);

        try (SseClient stream = new SseClient(eventsUrl(token, null), Map.of("Origin", ORIGIN))) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.response().headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            // the automatic acknowledgement of the new case comes first
            SseClient.Event ack = stream.next(10_000);
            assertThat(ack).isNotNull();
            assertThat(ack.name()).isEqualTo("reply");
            JsonNode ackData = mapper.readTree(ack.data());
            assertThat(ackData.get("kind").asText()).isEqualTo("auto-reply");
            assertThat(ackData.get("text").asText()).contains(caseId);

            HttpResponse<String> reply = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                    "{\"text\": \"A joiner will call tomorrow.\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", BACKOFFICE_KEY));
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
            String replyId = mapper.readTree(reply.body()).get("replyId").asText();

            SseClient.Event event = stream.next(10_000);
            assertThat(event).isNotNull();
            JsonNode data = mapper.readTree(event.data());
            assertThat(data.get("id").asText()).isEqualTo(replyId);
            assertThat(data.get("caseId").asText()).isEqualTo(caseId);
            assertThat(data.get("kind").asText()).isEqualTo("message");
            assertThat(data.get("text").asText()).isEqualTo("A joiner will call tomorrow.");
            assertThat(Long.parseLong(event.id())).isGreaterThan(Long.parseLong(ack.id()));

            assertThat(awaitDelivery(caseId, replyId, "delivered")).isEqualTo("delivered");

            HttpResponse<String> read = http.post("/webchat/v1/receipts", "application/json",
                    ("{\"status\": \"read\", \"messageIds\": [\"" + replyId + "\"]}").getBytes(StandardCharsets.UTF_8),
                    Map.of(WebchatHeaders.SITE, SITE, WebchatHeaders.KEY, KEY, WebchatHeaders.TOKEN, token, "Origin", ORIGIN));
            assertThat(read.statusCode()).as(read.body()).isEqualTo(202);
            assertThat(awaitDelivery(caseId, replyId, "read")).isEqualTo("read");

            // another visitor cannot mark it
            String other = newVisitor(http, mapper);
            HttpResponse<String> foreign = http.post("/webchat/v1/receipts", "application/json",
                    ("{\"status\": \"read\", \"messageIds\": [\"" + replyId + "\"]}").getBytes(StandardCharsets.UTF_8),
                    Map.of(WebchatHeaders.SITE, SITE, WebchatHeaders.KEY, KEY, WebchatHeaders.TOKEN, other, "Origin", ORIGIN));
            assertThat(mapper.readTree(foreign.body()).get("changed").asInt()).isZero();
        }
    }

    @Test
    void replaysMissedRepliesAfterLastEventIdAndKeepsRepliesForOfflineVisitors() throws Exception {
        String token = newVisitor(http, mapper);
        String clientId = UUID.randomUUID().toString();
        assertThat(postMessage(http, token, "{\"text\": \"Broken lift\", \"clientMessageId\": \"" + clientId + "\"}", Map.of())
                .statusCode()).isEqualTo(200);
        String caseId = caseOf(WebchatVisitors.visitorIdOf(token) + ":" + clientId);

        String ackId;
        try (SseClient stream = new SseClient(eventsUrl(token, null), Map.of())) {
            SseClient.Event ack = stream.next(10_000);
            assertThat(ack).isNotNull();
            ackId = ack.id();
        }
        // the visitor is offline while the back office answers twice
        String first = replyId(caseId, "The engineer is booked.");
        String second = replyId(caseId, "The lift works again.");
        awaitDelivery(caseId, second, "sent");

        // back, with the browser's Last-Event-ID: both missed replies, in order, and not the acknowledgement again
        try (SseClient stream = new SseClient(eventsUrl(token, null), Map.of("Last-Event-ID", ackId))) {
            SseClient.Event one = stream.next(10_000);
            SseClient.Event two = stream.next(10_000);
            assertThat(one).isNotNull();
            assertThat(two).isNotNull();
            assertThat(List.of(mapper.readTree(one.data()).get("id").asText(), mapper.readTree(two.data()).get("id").asText()))
                    .containsExactly(first, second);
            String lastId = two.id();
            assertThat(stream.next(500)).isNull();

            // replaying from the first reply's id gives only the second
            try (SseClient replay = new SseClient(eventsUrl(token, one.id()), Map.of())) {
                SseClient.Event again = replay.next(10_000);
                assertThat(again).isNotNull();
                assertThat(again.id()).isEqualTo(lastId);
                assertThat(replay.next(500)).isNull();
            }
        }
        assertThat(awaitDelivery(caseId, first, "delivered")).isEqualTo("delivered");
    }

    @Test
    void aReplyStoredByAnotherInstanceReachesThisInstancesStream() throws Exception {
        String token = newVisitor(http, mapper);
        String clientId = UUID.randomUUID().toString();
        assertThat(postMessage(http, token, "{\"text\": \"Bins not collected\", \"clientMessageId\": \"" + clientId + "\"}", Map.of())
                .statusCode()).isEqualTo(200);
        String visitorId = WebchatVisitors.visitorIdOf(token);
        String caseId = caseOf(visitorId + ":" + clientId);

        try (SseClient stream = new SseClient(eventsUrl(token, null), Map.of())) {
            assertThat(stream.next(10_000)).isNotNull(); // the acknowledgement
            // what instance A's reply flow leaves in the shared database: the outbound message, sent, and the event
            String messageId = "msg-" + UUID.randomUUID();
            jdbc.update("insert into cb_message (message_id, case_id, direction, kind, channel, received_at, external_id, delivery_state,"
                            + " payload, delivery_status) values (?, ?, 'outbound', 'message', 'webchat', current_timestamp, ?, 'published', '{}', 'sent')",
                    messageId, caseId, messageId);
            jdbc.update("insert into cb_webchat_event (message_id, visitor_id, site_id, case_id, kind, body_text, created_at)"
                    + " values (?, ?, 'demo', ?, 'message', 'Collected this afternoon.', current_timestamp)", messageId, visitorId, caseId);

            SseClient.Event event = stream.next(10_000);
            assertThat(event).isNotNull();
            assertThat(mapper.readTree(event.data()).get("text").asText()).isEqualTo("Collected this afternoon.");
            assertThat(awaitDelivery(caseId, messageId, "delivered")).isEqualTo("delivered");
        }
    }

    @Test
    void limitsTheVisitorsRateAcrossInstancesInTheDatabase() throws Exception {
        String token = newVisitor(http, mapper);
        // 5 per minute (this context): 11 posts put at least 6 into one window, whatever the clock
        HttpResponse<String> limited = null;
        for (int i = 0; i < 11 && limited == null; i++) {
            HttpResponse<String> response = postMessage(http, token, message("Message " + i), Map.of());
            if (response.statusCode() == 429) {
                limited = response;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
        }
        assertThat(limited).isNotNull();
        assertThat(mapper.readTree(limited.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:rate-limited");
        assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElse("0"))).isBetween(1, 60);
        assertThat(jdbc.queryForObject("select max(hits) from cb_webchat_rate where rate_key = ?", Integer.class,
                "visitor:" + WebchatVisitors.visitorIdOf(token))).isGreaterThan(5);

        // the same counter whoever counts: a second limiter (another instance) sees the first one's hits
        String key = "address:test-" + UUID.randomUUID();
        limiter.hit(key, 2);
        new WebchatRateLimiter(jdbc, properties, Clock.systemUTC()).hit(key, 2);
        assertThatThrownBy(() -> limiter.hit(key, 2)).isInstanceOf(org.casebridge.shared.RejectedRequestException.class)
                .hasMessageContaining("More than 2 requests");
    }

    @Test
    void replyToAForgottenVisitorFailsOnTheCase() throws Exception {
        String token = newVisitor(http, mapper);
        String clientId = UUID.randomUUID().toString();
        assertThat(postMessage(http, token, "{\"text\": \"Parking permit\", \"clientMessageId\": \"" + clientId + "\"}", Map.of())
                .statusCode()).isEqualTo(200);
        String caseId = caseOf(WebchatVisitors.visitorIdOf(token) + ":" + clientId);
        jdbc.update("delete from cb_webchat_visitor where visitor_id = ?", WebchatVisitors.visitorIdOf(token));

        String replyId = replyId(caseId, "Your permit is approved.");

        assertThat(awaitDelivery(caseId, replyId, "failed")).isEqualTo("failed");
        String detail = jdbc.queryForObject("select delivery_detail from cb_message where message_id = ?", String.class, replyId);
        assertThat(detail).contains("no longer known");
    }

    @Test
    void refusesStreamWithoutValidToken() throws Exception {
        HttpResponse<String> response = http.get("/webchat/v1/events?site=demo&key=" + KEY + "&token=nope", Map.of("Accept", "text/event-stream"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-visitor-token");
    }

    @Test
    void servesWidgetAndDemoPage() {
        HttpResponse<String> widget = http.get("/webchat/widget.js", Map.of());
        assertThat(widget.statusCode()).isEqualTo(200);
        assertThat(widget.headers().firstValue("Content-Type").orElse("")).contains("javascript");
        // everything it loads comes from the bridge it was served by: no CDN, no third-party script
        assertThat(widget.body()).contains("base + '/webchat/v1/messages'").doesNotContainPattern("(fetch|EventSource|src)\\s*\\(?\\s*['\"]https?:");
        HttpResponse<String> demo = http.get("/webchat/demo.html", Map.of());
        assertThat(demo.statusCode()).isEqualTo(200);
        assertThat(demo.body()).contains("data-site=\"demo\"").contains("data-key=\"" + KEY + "\"");
    }

    private String replyId(String caseId, String text) throws Exception {
        HttpResponse<String> reply = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                ("{\"text\": \"" + text + "\"}").getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", BACKOFFICE_KEY));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
        return mapper.readTree(reply.body()).get("replyId").asText();
    }

    private String eventsUrl(String token, String lastEventId) {
        return "http://127.0.0.1:" + PORT + "/webchat/v1/events?site=" + SITE + "&key=" + KEY + "&token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8) + (lastEventId == null ? "" : "&lastEventId=" + lastEventId);
    }

    private HttpResponse<String> preflight(String origin) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webchat/v1/messages"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-webchat-token").build());
    }

    /** The case of the inbound message with this external id (it exists once the widget was answered). */
    private String caseOf(String externalId) {
        return jdbc.queryForObject("select case_id from cb_message where external_id = ? and direction = 'inbound'", String.class, externalId);
    }

    /** The reply's status in the case's deliveries (GET /api/v1/cases/{id}), once it is {@code wanted} (10 s at most). */
    private String awaitDelivery(String caseId, String messageId, String wanted) throws Exception {
        return Awaitility.await("delivery " + wanted).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String status = null;
            JsonNode view = mapper.readTree(http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", BACKOFFICE_KEY)).body());
            for (JsonNode delivery : view.path("deliveries")) {
                if (messageId.equals(delivery.path("messageId").asText())) {
                    status = delivery.path("status").asText();
                }
            }
            return status;
        }, wanted::equals);
    }

    private int count(String table) {
        Integer n = jdbc.queryForObject("select count(*) from " + table, Integer.class);
        return n == null ? 0 : n;
    }

    private int archivedFiles() throws Exception {
        return (int) java.nio.file.Files.walk(rawDir()).filter(java.nio.file.Files::isRegularFile).count();
    }

    @Autowired
    org.springframework.core.env.Environment environment;

    private java.nio.file.Path rawDir() throws Exception {
        String configured = environment.getProperty("casebridge.store.raw-dir");
        java.nio.file.Path dir = configured == null || configured.isBlank()
                ? java.nio.file.Path.of(environment.getProperty("casebridge.data-dir"), "raw") : java.nio.file.Path.of(configured);
        java.nio.file.Files.createDirectories(dir);
        return dir;
    }
}
