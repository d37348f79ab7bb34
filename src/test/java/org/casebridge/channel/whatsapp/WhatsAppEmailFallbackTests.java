package org.casebridge.channel.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.channel.email.EmailSandbox;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.casebridge.channel.whatsapp.WhatsAppWebhookTests.await;
import static org.casebridge.channel.whatsapp.WhatsAppWebhookTests.payload;

/**
 * Outside WhatsApp's window with {@code fallback: email}: the reply goes by email when the bridge knows the customer's
 * address (here from a web form case with the same phone number), and without an address or a template it fails
 * with that reason. A bridge of its own, with the sandbox mail server as the outbox and no reopen template.
 */
@BridgeContext("whatsapp-fallback")
class WhatsAppEmailFallbackTests {

    static final WireMockServer GRAPH = new WireMockServer(WireMockConfiguration.options().dynamicPort().globalTemplating(true));

    static {
        GRAPH.start();
        GRAPH.stubFor(post(urlEqualTo(WhatsAppWebhookTests.MESSAGES_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.OUT{{randomValue length=24 type='ALPHANUMERIC'}}\"}]}")));
    }

    @DynamicPropertySource
    static void whatsapp(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.whatsapp.enabled", () -> true);
        registry.add("casebridge.channels.whatsapp.app-secret", () -> WhatsAppWebhookTests.SECRET);
        registry.add("casebridge.channels.whatsapp.access-token", () -> WhatsAppWebhookTests.ACCESS_TOKEN);
        registry.add("casebridge.channels.whatsapp.graph-base-url", GRAPH::baseUrl);
        registry.add("casebridge.channels.whatsapp.fallback", () -> "email");
    }

    @AfterAll
    static void stopGraph() {
        GRAPH.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    EmailSandbox sandbox;

    @Test
    void outsideTheWindowTheReplyGoesByEmailToTheAddressTheCustomerGaveElsewhere() throws Exception {
        Http http = new Http(port);
        HttpResponse<String> form = http.post("/api/v1/messages", "application/json", """
                {"sender": {"name": "Sheena Nelson", "email": "sheena.nelson@example.org", "phone": "+44 7911 123321"},
                 "subject": "Boiler", "text": "The boiler is broken."}""".getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", "demo-key-change-me"));
        assertThat(form.statusCode()).as(form.body()).isEqualTo(202);
        String caseId = openAgedWhatsAppCase(http, "447911123321", "E1");

        String replyId = reply(http, caseId, "The engineer comes on Friday at 9.");

        List<MimeMessage> mails = await(() -> {
            List<MimeMessage> found = Arrays.stream(sandbox.greenMail().getReceivedMessages()).filter(m -> to(m, "sheena.nelson@example.org"))
                    .filter(m -> body(m).contains("The engineer comes on Friday at 9.")).toList();
            return found.isEmpty() ? null : found;
        }, "the reply by email");
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).getSubject()).contains(caseId);
        Map<String, Object> row = await(() -> jdbc.queryForList("select * from cb_message where message_id = ? and delivery_status = 'sent'", replyId)
                .stream().findFirst().orElse(null), "the reply marked sent");
        assertThat((String) row.get("external_id")).isEqualTo(mails.get(0).getMessageID().replaceAll("[<>]", ""));
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo(WhatsAppWebhookTests.MESSAGES_PATH))))
                .noneMatch(r -> r.getBodyAsString().contains("The engineer comes"));
        JsonNode view = caseView(http, caseId);
        assertThat(view.get("attention")).extracting(JsonNode::asText).containsExactly("whatsapp-window-closed");
        assertThat(jdbc.queryForObject("select detail from cb_case_attention where case_id = ?", String.class, caseId))
                .contains("outside the 24-hour window", "sent by email to sheena.nelson@example.org");
    }

    @Test
    void withoutAnAddressOrATemplateTheReplyFailsAndTheCaseIsFlagged() throws Exception {
        Http http = new Http(port);
        String caseId = openAgedWhatsAppCase(http, "447700900654", "E2");

        String replyId = reply(http, caseId, "Are you still there?");

        Map<String, Object> row = await(() -> jdbc.queryForList("select * from cb_message where message_id = ? and delivery_status = 'failed'", replyId)
                .stream().findFirst().orElse(null), "the reply marked failed");
        assertThat((String) row.get("delivery_detail")).contains("outside the 24-hour window", "no reopen template is configured");
        assertThat(GRAPH.findAll(postRequestedFor(urlEqualTo(WhatsAppWebhookTests.MESSAGES_PATH))))
                .noneMatch(r -> r.getBodyAsString().contains("Are you still there?") || r.getBodyAsString().contains("template"));
        assertThat(caseView(http, caseId).get("attention")).extracting(JsonNode::asText).containsExactly("whatsapp-window-closed");
    }

    /** A WhatsApp case from {@code customer} whose last message is 25 hours old, its acknowledgement sent. */
    private String openAgedWhatsAppCase(Http http, String customer, String tag) {
        byte[] body = payload("text.json", customer, tag);
        HttpResponse<String> answer = http.post("/webhooks/whatsapp", "application/json", body,
                Map.of("X-Hub-Signature-256", WebhookSignatures.hubSignature256(WhatsAppWebhookTests.SECRET, body)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String caseId = await(() -> jdbc.queryForList("select case_id from cb_message where direction = 'inbound' and channel = 'whatsapp'"
                + " and payload like ?", String.class, "%" + customer + "%").stream().findFirst().orElse(null), "the case");
        await(() -> jdbc.queryForList("select message_id from cb_message where case_id = ? and direction = 'outbound' and delivery_status = 'sent'",
                String.class, caseId).stream().findFirst().orElse(null), "the acknowledgement");
        jdbc.update("update cb_message set received_at = ? where case_id = ? and direction = 'inbound'",
                OffsetDateTime.now(ZoneOffset.UTC).minusHours(25), caseId);
        return caseId;
    }

    private String reply(Http http, String caseId, String text) throws Exception {
        HttpResponse<String> response = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                mapper.writeValueAsBytes(Map.of("text", text)), Map.of("X-Api-Key", WhatsAppWebhookTests.BACKOFFICE_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("replyId").asText();
    }

    private JsonNode caseView(Http http, String caseId) throws Exception {
        HttpResponse<String> response = http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", WhatsAppWebhookTests.BACKOFFICE_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return mapper.readTree(response.body());
    }

    private static boolean to(MimeMessage message, String address) {
        try {
            jakarta.mail.Address[] to = message.getRecipients(Message.RecipientType.TO);
            return to != null && Arrays.stream(to).anyMatch(a -> ((InternetAddress) a).getAddress().equalsIgnoreCase(address));
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(MimeMessage message) {
        try {
            Object content = message.getContent();
            return content instanceof String text ? text : String.valueOf(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
