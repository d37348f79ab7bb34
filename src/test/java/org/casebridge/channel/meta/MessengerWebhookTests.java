package org.casebridge.channel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.casebridge.support.BrokerProbe;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Facebook Messenger end to end: signed webhooks over real HTTP, cases on the broker, replies to a stub Send API. */
class MessengerWebhookTests extends MetaBridgeTest {

    static final String PAGE = "106458175431234";

    static String textMessage(String psid, String mid, String text) {
        return """
                {"object":"page","entry":[{"id":"%s","time":%d,"messaging":[{"sender":{"id":"%s"},"recipient":{"id":"%s"},\
                "timestamp":%d,"message":{"mid":"%s","text":"%s"}}]}]}""".formatted(PAGE, System.currentTimeMillis(), psid, PAGE,
                System.currentTimeMillis(), mid, text);
    }

    static String event(String psid, String event) {
        return """
                {"object":"page","entry":[{"id":"%s","time":%d,"messaging":[{"sender":{"id":"%s"},"recipient":{"id":"%s"},\
                "timestamp":%d,%s}]}]}""".formatted(PAGE, System.currentTimeMillis(), psid, PAGE, System.currentTimeMillis(), event);
    }

    static String newMid() {
        return "m_" + UUID.randomUUID().toString().replace("-", "");
    }

    private HttpResponse<String> post(String body) {
        return postSigned("/webhooks/messenger", MESSENGER_SECRET, body);
    }

    /** The Send API calls to this customer. */
    private static List<LoggedRequest> sentTo(String psid) {
        return GRAPH.findAll(postRequestedFor(urlEqualTo("/v21.0/me/messages")).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(psid))));
    }

    @Test
    void turnsASignedMessageIntoASchemaValidCaseAndAcknowledgesIt() throws Exception {
        String psid = newUserId();
        String mid = newMid();

        HttpResponse<String> response = post(textMessage(psid, mid, "The heating in flat 4B is off since Sunday."));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"received\"}");
        String caseId = caseOf(mid);
        assertThat(caseId).isNotNull();
        List<Message> published = new BrokerProbe(broker).receive("casebridge.cases.new", "CasebridgeCaseId = '" + caseId + "'", 10_000);
        assertThat(published).hasSize(1);
        JsonNode value = mapper.readTree(((TextMessage) published.get(0)).getText());
        assertThat(schema.violations(value)).isEmpty();
        assertThat(value.get("channel").asText()).isEqualTo("messenger");
        assertThat(value.at("/customer/platformUserId").asText()).isEqualTo(psid);
        assertThat(value.at("/body/text").asText()).isEqualTo("The heating in flat 4B is off since Sunday.");
        assertThat(value.at("/source/system").asText()).isEqualTo("messenger:" + PAGE);
        assertThat(value.at("/source/externalId").asText()).isEqualTo(mid);
        assertThat(value.at("/trust/verified").asBoolean()).isTrue();
        assertThat(value.at("/thread/method").asText()).isEqualTo("new");

        // the acknowledgement went out through the Send API, as a RESPONSE with the Page token
        await("the acknowledgement", () -> !sentTo(psid).isEmpty());
        LoggedRequest ack = sentTo(psid).get(0);
        assertThat(ack.getHeader("Authorization")).isEqualTo("Bearer " + PAGE_TOKEN);
        JsonNode ackBody = mapper.readTree(ack.getBodyAsString());
        assertThat(ackBody.get("messaging_type").asText()).isEqualTo("RESPONSE");
        assertThat(ackBody.at("/message/text").asText()).contains(caseId);
        // nothing of the bridge's own headers went to Meta
        assertThat(ack.getHeaders().keys()).noneMatch(name -> name.startsWith("Casebridge") || name.startsWith("JMS"));

        // the customer's next message joins the case
        String next = newMid();
        assertThat(post(textMessage(psid, next, "It is getting cold.")).statusCode()).isEqualTo(200);
        assertThat(caseOf(next)).isEqualTo(caseId);
    }

    @Test
    void sendsBackOfficeRepliesThroughTheSendApiAndFollowsTheirReceipts() throws Exception {
        String psid = newUserId();
        String mid = newMid();
        assertThat(post(textMessage(psid, mid, "My front door lock is broken.")).statusCode()).isEqualTo(200);
        String caseId = caseOf(mid);

        String replyId = reply(caseId, "A locksmith will come today between 2 and 4 pm.");

        Map<String, Object> sent = awaitDelivery(replyId, "sent");
        String platformId = (String) sent.get("external_id");
        assertThat(platformId).startsWith("m_");
        List<LoggedRequest> calls = GRAPH.findAll(postRequestedFor(urlEqualTo("/v21.0/me/messages"))
                .withRequestBody(matchingJsonPath("$.message.text", equalTo("A locksmith will come today between 2 and 4 pm."))));
        assertThat(calls).hasSize(1);
        LoggedRequest call = calls.get(0);
        assertThat(call.getHeader("Authorization")).isEqualTo("Bearer " + PAGE_TOKEN);
        assertThat(call.getHeader("Content-Type")).startsWith("application/json");
        assertThat(mapper.readTree(call.getBodyAsString())).isEqualTo(mapper.readTree("""
                {"recipient": {"id": "%s"}, "messaging_type": "RESPONSE", "message": {"text": "A locksmith will come today between 2 and 4 pm."}}
                """.formatted(psid)));
        JsonNode delivery = deliveryOf(caseId, replyId);
        assertThat(delivery.get("status").asText()).isEqualTo("sent");

        // delivery by message id, then read by watermark
        assertThat(post(event(psid, "\"delivery\":{\"mids\":[\"" + platformId + "\"],\"watermark\":" + System.currentTimeMillis() + "}"))
                .statusCode()).isEqualTo(200);
        assertThat(deliveryOf(caseId, replyId).get("status").asText()).isEqualTo("delivered");
        assertThat(post(event(psid, "\"read\":{\"watermark\":" + System.currentTimeMillis() + "}")).statusCode()).isEqualTo(200);
        assertThat(deliveryOf(caseId, replyId).get("status").asText()).isEqualTo("read");
        // a late delivery receipt does not move it back
        assertThat(post(event(psid, "\"delivery\":{\"mids\":[\"" + platformId + "\"],\"watermark\":" + System.currentTimeMillis() + "}"))
                .statusCode()).isEqualTo(200);
        assertThat(deliveryOf(caseId, replyId).get("status").asText()).isEqualTo("read");
    }

    @Test
    void readWatermarkCoversEveryEarlierReplyButNotAnotherCustomers() throws Exception {
        String psid = newUserId();
        String other = newUserId();
        String mid = newMid();
        String otherMid = newMid();
        assertThat(post(textMessage(psid, mid, "Bins not collected.")).statusCode()).isEqualTo(200);
        assertThat(post(textMessage(other, otherMid, "Noise from next door.")).statusCode()).isEqualTo(200);
        String first = reply(caseOf(mid), "We have told the council.");
        String second = reply(caseOf(mid), "They will come tomorrow.");
        String othersReply = reply(caseOf(otherMid), "We will write to your neighbour.");
        awaitDelivery(first, "sent");
        awaitDelivery(second, "sent");
        awaitDelivery(othersReply, "sent");

        assertThat(post(event(psid, "\"read\":{\"watermark\":" + System.currentTimeMillis() + "}")).statusCode()).isEqualTo(200);

        assertThat(awaitDelivery(first, "read").get("delivery_status")).isEqualTo("read");
        assertThat(awaitDelivery(second, "read").get("delivery_status")).isEqualTo("read");
        assertThat(jdbc.queryForObject("select delivery_status from cb_message where message_id = ?", String.class, othersReply)).isEqualTo("sent");
    }

    @Test
    void storesTheSameWebhookDeliveredTwiceOnce() throws Exception {
        String psid = newUserId();
        String mid = newMid();
        String body = textMessage(psid, mid, "Is my rent payment received?");

        assertThat(post(body).statusCode()).isEqualTo(200);
        assertThat(post(body).statusCode()).isEqualTo(200);

        assertThat(messagesWith(mid)).isEqualTo(1);
        String caseId = caseOf(mid);
        assertThat(new BrokerProbe(broker).receive("casebridge.cases.new", "CasebridgeCaseId = '" + caseId + "'", 5_000)).hasSize(1);
    }

    @Test
    void refusesABadSignatureWith401AndStoresNothing() throws Exception {
        String mid = newMid();
        String body = textMessage(newUserId(), mid, "Forged message");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String forged = WebhookSignaturesForTests.flipLastHexDigit(org.casebridge.channel.chat.WebhookSignatures.hubSignature256(MESSENGER_SECRET, bytes));

        HttpResponse<String> response = http().post("/webhooks/messenger", "application/json", bytes, Map.of("X-Hub-Signature-256", forged));
        HttpResponse<String> unsigned = http().post("/webhooks/messenger", "application/json", bytes, Map.of());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-signature");
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(messagesWith(mid)).isZero();
        assertThat(archived(body)).isFalse();
    }

    @Test
    void acknowledgesAndRecordsEventsItDoesNotActOn() throws Exception {
        String psid = newUserId();
        String body = event(psid, "\"game_play\":{\"game_id\":\"" + UUID.randomUUID() + "\",\"player_id\":\"42\"}");

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(200);
        List<Map<String, Object>> rows = jdbc.queryForList("select * from cb_webhook_event where channel = 'messenger' and event_type = 'game_play'");
        assertThat(rows).isNotEmpty();
        assertThat(archived(body)).isTrue();
        // echoes of our own messages too
        String echo = newMid();
        assertThat(post("""
                {"object":"page","entry":[{"id":"%s","time":1,"messaging":[{"sender":{"id":"%s"},"recipient":{"id":"%s"},"timestamp":1,\
                "message":{"mid":"%s","is_echo":true,"app_id":1517776481860111,"text":"Thanks"}}]}]}""".formatted(PAGE, PAGE, psid, echo))
                .statusCode()).isEqualTo(200);
        assertThat(messagesWith(echo)).isZero();
        assertThat(jdbc.queryForList("select detail from cb_webhook_event where event_type = 'message_echo'", String.class))
                .anySatisfy(detail -> assertThat(detail).contains(echo));
    }

    @Test
    void answersMetasHandshakeAndRefusesAWrongVerifyToken() {
        HttpResponse<String> ok = http().get("/webhooks/messenger?hub.mode=subscribe&hub.verify_token=messenger-verify-token&hub.challenge=1158201444", Map.of());
        HttpResponse<String> wrong = http().get("/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444", Map.of());

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");
        assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain("1158201444");
    }

    @Test
    void fetchesPicturesIntoTheAttachmentStore() throws Exception {
        byte[] picture = "\u0089PNG fake picture bytes of a damp wall".getBytes(StandardCharsets.ISO_8859_1);
        String path = "/v/t1.15752-9/" + UUID.randomUUID() + "_n.png";
        GRAPH.stubFor(WireMock.get(WireMock.urlPathEqualTo(path))
                .willReturn(WireMock.aResponse().withHeader("Content-Type", "image/png").withBody(picture)));
        String mid = newMid();
        String body = event(newUserId(), """
                "message":{"mid":"%s","attachments":[{"type":"image","payload":{"url":"%s%s?_nc_cat=1&oh=00_AYB"}}]}""".formatted(mid, GRAPH.baseUrl(), path));

        assertThat(post(body).statusCode()).isEqualTo(200);

        JsonNode message = caseView(caseOf(mid)).get("messages").get(0);
        JsonNode attachment = message.get("attachments").get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("image/png");
        assertThat(attachment.get("size").asLong()).isEqualTo(picture.length);
        assertThat(attachment.get("sha256").asText()).isEqualTo(org.casebridge.store.BlobStore.sha256Hex(picture));
        assertThat(message.at("/subject").asText()).startsWith("Messenger message from");
    }

    @Test
    void refusesAReplyOutsideTheMessagingWindowAndSaysWhyOnTheCase() throws Exception {
        String psid = newUserId();
        String mid = newMid();
        assertThat(post(textMessage(psid, mid, "Any news about the repair?")).statusCode()).isEqualTo(200);
        String caseId = caseOf(mid);
        // the customer wrote two days ago
        jdbc.update("update cb_message set received_at = ? where case_id = ? and direction = 'inbound'",
                OffsetDateTime.ofInstant(Instant.now().minus(2, ChronoUnit.DAYS), ZoneOffset.UTC), caseId);

        String replyId = reply(caseId, "The repair is booked.");

        Map<String, Object> failed = awaitDelivery(replyId, "failed");
        assertThat((String) failed.get("delivery_detail")).contains("messaging window").contains("human-agent-tag");
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo("/v21.0/me/messages"))
                .withRequestBody(matchingJsonPath("$.message.text", equalTo("The repair is booked."))))).isEmpty();
        assertThat(deliveryOf(caseId, replyId).get("detail").asText()).contains("messaging window");
    }

    @Test
    void reportsMetasRefusalOnTheCaseWithoutRetrying() throws Exception {
        String psid = newUserId();
        GRAPH.stubFor(WireMock.post(urlEqualTo("/v21.0/me/messages")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.recipient.id", equalTo(psid)))
                .willReturn(WireMock.aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"message": "(#551) This person isn't available right now.", "type": "OAuthException",
                         "code": 551, "error_subcode": 1545041, "fbtrace_id": "AbCdEf"}}""")));
        String mid = newMid();
        assertThat(post(textMessage(psid, mid, "Hello?")).statusCode()).isEqualTo(200);
        String caseId = caseOf(mid);

        String replyId = reply(caseId, "Hello, how can we help?");

        Map<String, Object> failed = awaitDelivery(replyId, "failed");
        assertThat((String) failed.get("delivery_detail")).contains("HTTP 400").contains("This person isn't available right now").contains("551");
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo("/v21.0/me/messages"))
                .withRequestBody(matchingJsonPath("$.message.text", equalTo("Hello, how can we help?"))))).hasSize(1);
    }

    private JsonNode deliveryOf(String caseId, String replyId) throws Exception {
        for (JsonNode delivery : caseView(caseId).get("deliveries")) {
            if (delivery.get("messageId").asText().equals(replyId)) {
                return delivery;
            }
        }
        throw new AssertionError("no delivery " + replyId + " on case " + caseId);
    }
}
