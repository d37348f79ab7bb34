package org.casebridge.channel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.support.BrokerProbe;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Instagram messaging end to end: signed webhooks over real HTTP, cases on the broker, replies to a stub Send API. */
class InstagramWebhookTests extends MetaBridgeTest {

    static final String ACCOUNT = "17841405822304914";
    static final String SEND_PATH = "/v21.0/" + ACCOUNT + "/messages";

    static String event(String igsid, String event) {
        return """
                {"object":"instagram","entry":[{"time":%d,"id":"%s","messaging":[{"sender":{"id":"%s"},"recipient":{"id":"%s"},\
                "timestamp":%d,%s}]}]}""".formatted(System.currentTimeMillis(), ACCOUNT, igsid, ACCOUNT, System.currentTimeMillis(), event);
    }

    static String textMessage(String igsid, String mid, String text) {
        return event(igsid, "\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text + "\"}");
    }

    static String newMid() {
        return "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlE" + UUID.randomUUID().toString().replace("-", "");
    }

    private HttpResponse<String> post(String body) {
        return postSigned("/webhooks/instagram", INSTAGRAM_SECRET, body);
    }

    private static List<LoggedRequest> sentTo(String igsid) {
        return GRAPH.findAll(postRequestedFor(urlEqualTo(SEND_PATH)).withRequestBody(matchingJsonPath("$.recipient.id", equalTo(igsid))));
    }

    @Test
    void turnsASignedDirectMessageIntoASchemaValidCaseAndAcknowledgesItFromTheAccount() throws Exception {
        String igsid = newUserId();
        String mid = newMid();

        HttpResponse<String> response = post(textMessage(igsid, mid, "Is the community hall free on Saturday?"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String caseId = caseOf(mid);
        List<Message> published = new BrokerProbe(broker).receive("casebridge.cases.new", "CasebridgeCaseId = '" + caseId + "'", 10_000);
        assertThat(published).hasSize(1);
        JsonNode value = mapper.readTree(((TextMessage) published.get(0)).getText());
        assertThat(schema.violations(value)).isEmpty();
        assertThat(value.get("channel").asText()).isEqualTo("instagram");
        assertThat(value.at("/customer/platformUserId").asText()).isEqualTo(igsid);
        assertThat(value.at("/source/system").asText()).isEqualTo("instagram:" + ACCOUNT);
        assertThat(value.at("/source/externalId").asText()).isEqualTo(mid);
        assertThat(value.at("/trust/method").asText()).isEqualTo("platform-signature");

        await("the acknowledgement", () -> !sentTo(igsid).isEmpty());
        LoggedRequest ack = sentTo(igsid).get(0);
        assertThat(ack.getHeader("Authorization")).isEqualTo("Bearer " + INSTAGRAM_TOKEN);
        assertThat(mapper.readTree(ack.getBodyAsString()).at("/message/text").asText()).contains(caseId);
    }

    @Test
    void sendsRepliesFromTheAccountTheCustomerWroteToAndMarksThemReadWhenSeen() throws Exception {
        String igsid = newUserId();
        String mid = newMid();
        assertThat(post(textMessage(igsid, mid, "Can I bring my dog to the hall?")).statusCode()).isEqualTo(200);
        String caseId = caseOf(mid);

        String replyId = reply(caseId, "Yes, dogs on a lead are welcome.");

        String platformId = (String) awaitDelivery(replyId, "sent").get("external_id");
        List<LoggedRequest> calls = GRAPH.findAll(postRequestedFor(urlEqualTo(SEND_PATH))
                .withRequestBody(matchingJsonPath("$.message.text", equalTo("Yes, dogs on a lead are welcome."))));
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getHeader("Authorization")).isEqualTo("Bearer " + INSTAGRAM_TOKEN);
        assertThat(mapper.readTree(calls.get(0).getBodyAsString())).isEqualTo(mapper.readTree("""
                {"recipient": {"id": "%s"}, "messaging_type": "RESPONSE", "message": {"text": "Yes, dogs on a lead are welcome."}}
                """.formatted(igsid)));

        // Instagram's messaging_seen names the last message read
        assertThat(post(event(igsid, "\"read\":{\"mid\":\"" + platformId + "\"}")).statusCode()).isEqualTo(200);
        assertThat(awaitDelivery(replyId, "read").get("delivery_status")).isEqualTo("read");
        JsonNode view = caseView(caseId);
        assertThat(view.get("deliveries")).anySatisfy(d -> {
            assertThat(d.get("messageId").asText()).isEqualTo(replyId);
            assertThat(d.get("status").asText()).isEqualTo("read");
        });
    }

    @Test
    void sendsALongReplyAsSeveralMessages() throws Exception {
        String igsid = newUserId();
        String mid = newMid();
        assertThat(post(textMessage(igsid, mid, "What are the hall rules?")).statusCode()).isEqualTo(200);
        String first = "Rule one. ".repeat(150).strip();
        String second = "Rule two. ".repeat(100).strip();

        String replyId = reply(caseOf(mid), first + "\n\n" + second);

        awaitDelivery(replyId, "sent");
        List<String> texts = sentTo(igsid).stream().map(r -> {
            try {
                return mapper.readTree(r.getBodyAsString()).at("/message/text").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(t -> t.startsWith("Rule")).toList();
        assertThat(texts).containsExactly(first, second);
    }

    @Test
    void storesTheSameWebhookDeliveredTwiceOnce() {
        String mid = newMid();
        String body = textMessage(newUserId(), mid, "Hello");

        assertThat(post(body).statusCode()).isEqualTo(200);
        assertThat(post(body).statusCode()).isEqualTo(200);

        assertThat(messagesWith(mid)).isEqualTo(1);
    }

    @Test
    void refusesABadSignatureWith401AndStoresNothing() {
        String mid = newMid();
        String body = textMessage(newUserId(), mid, "Forged");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        // signed, but with the Messenger app's secret: not this webhook's
        HttpResponse<String> response = http().post("/webhooks/instagram", "application/json", bytes,
                Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256(MESSENGER_SECRET, bytes)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(messagesWith(mid)).isZero();
        assertThat(archived(body)).isFalse();
    }

    @Test
    void acknowledgesAndRecordsEventsItDoesNotActOn() {
        String commentId = UUID.randomUUID().toString();
        String body = """
                {"object":"instagram","entry":[{"id":"%s","time":%d,"changes":[{"field":"comments","value":{"from":{"id":"1","username":"amira.h"},\
                "id":"%s","text":"When is the next residents' meeting?"}}]}]}""".formatted(ACCOUNT, System.currentTimeMillis(), commentId);

        assertThat(post(body).statusCode()).isEqualTo(200);

        assertThat(jdbc.queryForList("select raw_ref from cb_webhook_event where channel = 'instagram' and event_type = 'changes:comments'",
                String.class)).isNotEmpty();
        assertThat(archived(body)).isTrue();
    }

    @Test
    void answersMetasHandshake() {
        HttpResponse<String> ok = http().get("/webhooks/instagram?hub.mode=subscribe&hub.verify_token=instagram-verify-token&hub.challenge=987654321", Map.of());
        HttpResponse<String> wrong = http().get("/webhooks/instagram?hub.mode=subscribe&hub.verify_token=messenger-verify-token&hub.challenge=987654321", Map.of());

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("987654321");
        assertThat(wrong.statusCode()).isEqualTo(403);
    }
}
