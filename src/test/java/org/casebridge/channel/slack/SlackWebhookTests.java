package org.casebridge.channel.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.ProducerTemplate;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseIds;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slack for staff end to end: signed calls over real HTTP to a bridge of its own (every Slack payload of the shared
 * corpus among them), and notifications posted to a Slack API played by WireMock.
 */
@BridgeContext("slack")
class SlackWebhookTests {

    static final String SECRET = "slack-signing-secret-e2e";
    static final String BOT_TOKEN = "xoxb-test-token";
    static final String CHANNEL = "C0STAFF01";
    static final Path CORPUS = Path.of("../shared/corpus/chat/slack/events");
    static final WireMockServer SLACK = new WireMockServer(TestInfrastructure.freePort());

    static {
        SLACK.start();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    BrokerService broker;

    Http http;

    @DynamicPropertySource
    static void slack(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.slack.enabled", () -> true);
        registry.add("casebridge.channels.slack.signing-secret", () -> SECRET);
        registry.add("casebridge.channels.slack.bot-token", () -> BOT_TOKEN);
        registry.add("casebridge.channels.slack.channel", () -> CHANNEL);
        registry.add("casebridge.channels.slack.server-url", () -> "http://127.0.0.1:" + SLACK.port());
        registry.add("casebridge.sla.check-interval", () -> "1s");
    }

    @AfterAll
    static void stopSlack() {
        SLACK.stop();
    }

    @BeforeEach
    void setUp() {
        http = new Http(port);
        SLACK.resetAll();
        SLACK.stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\": true, \"channel\": \"" + CHANNEL + "\", \"ts\": \"1700000000.000100\", \"message\": {\"type\": \"message\", \"text\": \"x\"}}")));
    }

    static Stream<Path> corpus() throws IOException {
        if (!Files.isDirectory(CORPUS)) {
            throw new IllegalStateException("The shared corpus is missing: " + CORPUS.toAbsolutePath());
        }
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    HttpResponse<String> postSigned(String contentType, byte[] body, long timestamp) {
        String ts = Long.toString(timestamp);
        return http.post("/webhooks/slack", contentType, body,
                Map.of("X-Slack-Request-Timestamp", ts, "X-Slack-Signature", WebhookSignatures.slackSignature(SECRET, ts, body)));
    }

    HttpResponse<String> postSigned(String contentType, String body) {
        return postSigned(contentType, body.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis() / 1000);
    }

    static String form(Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((key, value) -> form.append(form.isEmpty() ? "" : "&").append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return form.toString();
    }

    static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(condition::get);
    }

    String openCase(String subject) {
        String caseId = CaseIds.newCaseId();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.update("insert into cb_case (case_id, channel, status, subject, priority, created_at, updated_at) values (?, 'email', 'open', ?, 'P2', ?, ?)",
                caseId, subject, now, now);
        return caseId;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyCorpusPayloadIsAcknowledgedAndRecorded(Path file) throws IOException {
        byte[] body = Files.readAllBytes(file);
        JsonNode json = mapper.readTree(body);
        String type = json.path("event").path("type").asText(json.path("type").asText("unknown"));
        long before = jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'slack' and event_type = ?", Long.class, type);

        HttpResponse<String> response = postSigned("application/json", body, System.currentTimeMillis() / 1000);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        if ("url_verification".equals(json.path("type").asText())) {
            assertThat(mapper.readTree(response.body()).get("challenge").asText()).isEqualTo(json.path("challenge").asText());
        } else {
            assertThat(jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'slack' and event_type = ?", Long.class, type))
                    .isEqualTo(before + 1);
        }
    }

    @Test
    void answersUrlVerificationWithItsChallenge() throws Exception {
        HttpResponse<String> response = postSigned("application/json",
                "{\"token\": \"Jhj5dZrVaK7ZwHHjRyZWjbDl\", \"challenge\": \"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\", \"type\": \"url_verification\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(response.body()).get("challenge").asText()).isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    }

    @Test
    void refusesAStaleTimestampAndABadSignatureWith401AndRecordsNothing() {
        String eventId = "Ev" + UUID.randomUUID();
        byte[] body = ("{\"type\": \"event_callback\", \"event_id\": \"" + eventId + "\", \"team_id\": \"T1\", \"event\": {\"type\": \"app_mention\", \"user\": \"U1\", \"text\": \"hi\"}}")
                .getBytes(StandardCharsets.UTF_8);
        long sixMinutesAgo = System.currentTimeMillis() / 1000 - 360;
        HttpResponse<String> stale = postSigned("application/json", body, sixMinutesAgo);
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(stale.body()).contains("invalid-signature");

        String now = Long.toString(System.currentTimeMillis() / 1000);
        HttpResponse<String> forged = http.post("/webhooks/slack", "application/json", body,
                Map.of("X-Slack-Request-Timestamp", now, "X-Slack-Signature", WebhookSignatures.slackSignature("not-the-secret", now, body)));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("select count(*) from cb_slack_interaction where slack_event_id = ?", Integer.class, eventId)).isZero();
    }

    @Test
    void recordsAnEventDeliveredTwiceOnce() {
        String eventId = "Ev" + UUID.randomUUID();
        String body = "{\"type\": \"event_callback\", \"event_id\": \"" + eventId + "\", \"team_id\": \"T1\","
                + " \"event\": {\"type\": \"app_mention\", \"user\": \"U0ALICE\", \"text\": \"<@U0BOT> what about CB-7K3M9Q?\"}}";
        assertThat(postSigned("application/json", body).statusCode()).isEqualTo(200);
        assertThat(postSigned("application/json", body).statusCode()).isEqualTo(200);
        List<Map<String, Object>> rows = jdbc.queryForList("select * from cb_slack_interaction where slack_event_id = ?", eventId);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.get("kind")).isEqualTo("event");
            assertThat(row.get("event_type")).isEqualTo("app_mention");
            assertThat(row.get("user_id")).isEqualTo("U0ALICE");
        });
    }

    @Test
    void theSlackDocsSlashCommandIsAnsweredWithUsage() throws Exception {
        // the published vector's body, signed afresh: the form body must reach the bridge untouched
        JsonNode vector = null;
        for (JsonNode candidate : mapper.readTree(Path.of("../shared/corpus/signatures/vectors.json").toFile())) {
            if ("slack-docs-1".equals(candidate.path("id").asText())) {
                vector = candidate;
            }
        }
        HttpResponse<String> response = postSigned("application/x-www-form-urlencoded", vector.get("raw_body").asText());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = mapper.readTree(response.body());
        assertThat(answer.get("response_type").asText()).isEqualTo("ephemeral");
        assertThat(answer.get("text").asText()).startsWith("Usage: `/webhook-collect CB-");
    }

    @Test
    void takeCaseButtonRecordsWhoTookItAndTheSlashCommandShowsTheCase() throws Exception {
        String caseId = openCase("Leaking <roof> at Canal House");
        String payload = """
                {"type": "block_actions", "team": {"id": "T0TEAM", "domain": "riverside"},
                 "user": {"id": "U0ALICE", "username": "alice", "name": "alice", "team_id": "T0TEAM"},
                 "api_app_id": "A0APP", "token": "legacy", "trigger_id": "%s",
                 "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0STAFF01", "is_ephemeral": false},
                 "channel": {"id": "C0STAFF01", "name": "casebridge-staff"},
                 "response_url": "https://hooks.slack.com/actions/T0TEAM/1/abc",
                 "actions": [{"action_id": "casebridge_take_case", "block_id": "casebridge_case_%s", "type": "button",
                              "text": {"type": "plain_text", "text": "Take case %s"}, "value": "%s", "action_ts": "1700000010.000200"}]}
                """.formatted("13345224609." + UUID.randomUUID(), caseId, caseId, caseId);
        HttpResponse<String> pressed = postSigned("application/x-www-form-urlencoded", form(Map.of("payload", payload)));
        assertThat(pressed.statusCode()).as(pressed.body()).isEqualTo(200);
        List<Map<String, Object>> taken = jdbc.queryForList("select * from cb_slack_interaction where case_id = ? and action = 'take-case'", caseId);
        assertThat(taken).singleElement().satisfies(row -> {
            assertThat(row.get("user_id")).isEqualTo("U0ALICE");
            assertThat(row.get("user_name")).isEqualTo("alice");
            assertThat(row.get("kind")).isEqualTo("interaction");
        });
        assertThat(jdbc.queryForObject("select count(*) from cb_webhook_event where channel = 'slack' and outcome = 'acted' and detail like ?",
                Integer.class, "%" + caseId + "%")).isEqualTo(1);

        HttpResponse<String> status = postSigned("application/x-www-form-urlencoded", form(Map.of("token", "legacy", "team_id", "T0TEAM",
                "channel_id", "C0STAFF01", "user_id", "U0BOB", "user_name", "bob", "command", "/casebridge",
                "text", caseId.toLowerCase(), "trigger_id", "998." + UUID.randomUUID(), "response_url", "https://hooks.slack.com/commands/1")));
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        JsonNode answer = mapper.readTree(status.body());
        assertThat(answer.get("response_type").asText()).isEqualTo("ephemeral");
        assertThat(answer.get("text").asText()).startsWith("*" + caseId + "* · open · email · P2")
                .contains(">Leaking &lt;roof&gt; at Canal House").contains("taken by <@U0ALICE>");
        // staff never open cases
        assertThat(jdbc.queryForObject("select count(*) from cb_case where channel = 'slack'", Integer.class)).isZero();
    }

    @Test
    void aNotificationIsPostedToTheStaffChannelWithTheBotToken() throws Exception {
        String caseId = openCase("Boiler");
        producer.sendBody("direct:notify-slack", "{\"text\": \"First response due in 30 minutes\", \"caseId\": \"" + caseId + "\", \"severity\": \"warning\"}");
        await(() -> !SLACK.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).isEmpty(), "chat.postMessage");
        LoggedRequest request = SLACK.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).get(0);
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + BOT_TOKEN);
        Map<String, String> form = new java.util.HashMap<>();
        org.casebridge.channel.chat.WebhookRequest.parseForm(request.getBodyAsString()).forEach(p -> form.put(p.getKey(), p.getValue()));
        assertThat(form.get("channel")).isEqualTo(CHANNEL);
        assertThat(form.get("text")).isEqualTo(":warning: First response due in 30 minutes (case " + caseId + ")");
        JsonNode blocks = mapper.readTree(form.get("blocks"));
        assertThat(blocks.at("/1/elements/0/action_id").asText()).isEqualTo("casebridge_take_case");
        assertThat(blocks.at("/1/elements/0/value").asText()).isEqualTo(caseId);
    }

    @Test
    void aQueuedNotificationReachesSlackAndOneSlackRefusesEndsOnTheDeadLetterQueue() throws Exception {
        String caseId = CaseIds.newCaseId();
        sendToQueue("SLA breached: no first response within 4 hours", caseId);
        await(() -> SLACK.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
                .anyMatch(r -> r.getBodyAsString().contains(caseId)), "the queued notification");

        SLACK.resetAll();
        SLACK.stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\": false, \"error\": \"channel_not_found\"}")));
        String failing = CaseIds.newCaseId();
        sendToQueue("{\"text\": \"Escalation\", \"severity\": \"critical\"}", failing);
        List<jakarta.jms.Message> dead = new BrokerProbe(broker).receive("casebridge.staff.notifications.dlq", "CasebridgeCaseId = '" + failing + "'", 15_000);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getStringProperty("CasebridgeFailureReason")).contains("channel_not_found");
        // tried, then redelivered: more than one call reached Slack
        assertThat(SLACK.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage")))).hasSizeGreaterThan(1);
    }

    private void sendToQueue(String body, String caseId) throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory(TestInfrastructure.BROKER_USER, TestInfrastructure.BROKER_PASSWORD,
                new BrokerProbe(broker).url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(session.createQueue("casebridge.staff.notifications"));
            TextMessage message = session.createTextMessage(body);
            message.setStringProperty("CasebridgeCaseId", caseId);
            sender.send(message);
        }
    }

    @Test
    void anSlaBreachReachesTheSupervisorsOnSlack() throws Exception {
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("email", "slack-sla-" + System.nanoTime() + "@example.org"),
                "subject", "Fence", "text", "The garden fence blew down."));
        HttpResponse<String> opened = http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "demo-key-change-me"));
        assertThat(opened.statusCode()).isEqualTo(202);
        String caseId = mapper.readTree(opened.body()).get("caseId").asText();
        // the first response was due a minute ago: the clock route breaches it within its next look
        jdbc.update("update cb_case set first_response_warn_at = ?, first_response_due = ? where case_id = ?",
                OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(2), OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1), caseId);

        await(() -> SLACK.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
                .map(r -> java.net.URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8))
                .anyMatch(text -> text.contains("SLA breached: first response on " + caseId)), "the breach in Slack");
    }
}
