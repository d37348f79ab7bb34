package org.casebridge.replies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.Channel;
import org.casebridge.channel.email.EmailSandbox;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.casebridge.replies.ReplyFixtures.BACKOFFICE_KEY;

/** The queue casebridge.replies: its format, replies written to it directly, redelivery, and what dead-letters. */
class ReplyQueueTests extends BridgeTest {

    private static final String QUEUE = "casebridge.replies";
    private static final String DLQ = "casebridge.replies.dlq";
    private static final String ROUTE = "case-replies-to-customer";

    @LocalServerPort
    int port;
    @Autowired
    EmailSandbox sandbox;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    BrokerService broker;
    @Autowired
    CamelContext camel;
    @Autowired
    OutboundMessages outbound;

    Http http;
    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
    }

    private static String customer() {
        return "tenant-" + UUID.randomUUID() + "@example.org";
    }

    @Test
    void publishesReplyWithItsCaseAsJmsProperties() throws Exception {
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, customer(), "Damp");
        // hold the reply on the queue to read it as a back-office consumer would
        camel.getRouteController().stopRoute(ROUTE);
        try {
            HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, """
                    {"text": "We will call you.", "author": {"name": "Housing Officer Jones"}, "kind": "status-update", "reference": "HMS-1"}
                    """, Map.of());
            assertThat(response.statusCode()).isEqualTo(202);
            String replyId = mapper.readTree(response.body()).get("replyId").asText();

            List<Message> queued = probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 5000);
            assertThat(queued).hasSize(1);
            Message jms = queued.get(0);
            assertThat(jms.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
            assertThat(jms.getStringProperty("CasebridgeReplyId")).isEqualTo(replyId);
            assertThat(jms.getStringProperty("CasebridgeChannel")).isEqualTo("webform");
            assertThat(jms.getStringProperty("CasebridgeKind")).isEqualTo("status-update");
            assertThat(jms.getStringProperty("CasebridgeClientId")).isEqualTo("demo-backoffice");
            assertThat(jms.getJMSCorrelationID()).isEqualTo(caseId);
            // one message group per case: the replies of a case reach one consumer at a time, in order
            assertThat(jms.getStringProperty("JMSXGroupID")).isEqualTo(caseId);
            assertThat(jms.getJMSType()).isEqualTo("casebridge.reply.v1");
            List<String> properties = Collections.list(jms.getPropertyNames()).stream().map(Object::toString).toList();
            assertThat(properties).allMatch(name -> name.startsWith("Casebridge") || name.startsWith("JMS"), "only reply properties");
            JsonNode json = mapper.readTree(((TextMessage) jms).getText());
            assertThat(json.get("caseId").asText()).isEqualTo(caseId);
            assertThat(json.get("replyId").asText()).isEqualTo(replyId);
            assertThat(json.get("text").asText()).isEqualTo("We will call you.");
            assertThat(json.get("html").isNull()).isTrue();
            assertThat(json.at("/author/name").asText()).isEqualTo("Housing Officer Jones");
            assertThat(json.get("kind").asText()).isEqualTo("status-update");
            assertThat(json.get("reference").asText()).isEqualTo("HMS-1");
        } finally {
            camel.getRouteController().startRoute(ROUTE);
        }
    }

    @Test
    void sendsReplyWrittenToTheQueueAndMarksAutoRepliesAsSuch() throws Exception {
        String email = customer();
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, email, "Heating");

        // as the acknowledgement does: no reply id, the case in the body and as a property
        String jmsMessageId = ReplyFixtures.sendToQueue(probe.url(), """
                {"caseId": "%s", "kind": "auto-reply", "text": "We have received your message.", "html": null, "author": null,
                 "reference": "acknowledgement:1"}
                """.formatted(caseId), caseId);

        MimeMessage mail = ReplyFixtures.awaitMails(sandbox.greenMail(), email, 1, 10_000).get(0);
        assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(mail.getHeader("X-Auto-Response-Suppress", null)).isEqualTo("All");
        assertThat(mail.getSubject()).isEqualTo("Re: Heating [" + caseId + "]");
        // the reply id comes from the JMS message id: a redelivery of the same message finds the same reply
        String replyId = "msg-" + UUID.nameUUIDFromBytes(("jms:" + jmsMessageId).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> row = ReplyFixtures.awaitStatus(jdbc, replyId, "sent");
        assertThat(row.get("case_id")).isEqualTo(caseId);
        assertThat(row.get("kind")).isEqualTo("auto-reply");
        assertThat(row.get("reply_reference")).isEqualTo("acknowledgement:1");
    }

    @Test
    void doesNotSendAReplyTwiceWhenItIsDeliveredAgain() throws Exception {
        String email = customer();
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, email, "Gutter");
        HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, "{\"text\": \"Cleared today.\"}", Map.of());
        String replyId = mapper.readTree(response.body()).get("replyId").asText();
        ReplyFixtures.awaitStatus(jdbc, replyId, "sent");

        // the same reply again, e.g. moved back from the dead-letter queue after it had gone out
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute(ROUTE).whenDone(1).create();
        ReplyFixtures.sendToQueue(probe.url(), """
                {"caseId": "%s", "replyId": "%s", "text": "Cleared today.", "html": null, "author": null, "kind": null, "reference": null}
                """.formatted(caseId, replyId), caseId);

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ReplyFixtures.mailsTo(sandbox.greenMail(), email)).hasSize(1);
        assertThat(jdbc.queryForObject("select delivery_status from cb_message where message_id = ?", String.class, replyId)).isEqualTo("sent");
    }

    @Test
    void aCopyOfAReplyThatAnotherInstanceIsSendingIsNotSentAgain() throws Exception {
        String email = customer();
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, email, "Fence");
        HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, "{\"text\": \"Fixed on Monday.\"}", Map.of());
        String replyId = mapper.readTree(response.body()).get("replyId").asText();
        ReplyFixtures.awaitStatus(jdbc, replyId, "sent");
        // as if another instance had claimed it and were sending it right now (queued is not "unsent")
        jdbc.update("update cb_message set delivery_status = 'queued', send_claim = 'copy-on-instance-b', send_claimed_at = ?"
                + " where message_id = ?", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC), replyId);

        NotifyBuilder done = new NotifyBuilder(camel).fromRoute(ROUTE).whenDone(1).create();
        ReplyFixtures.sendToQueue(probe.url(), """
                {"caseId": "%s", "replyId": "%s", "text": "Fixed on Monday.", "html": null, "author": null, "kind": null, "reference": null}
                """.formatted(caseId, replyId), caseId);

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ReplyFixtures.mailsTo(sandbox.greenMail(), email)).hasSize(1);
        assertThat(jdbc.queryForObject("select delivery_status from cb_message where message_id = ?", String.class, replyId)).isEqualTo("queued");
        // the claim is atomic: a redelivery of the claiming copy takes it over, any other copy does not
        assertThat(outbound.claimSend(replyId, "another-copy")).isFalse();
        assertThat(outbound.claimSend(replyId, "copy-on-instance-b")).isTrue();
    }

    @Test
    void deadLettersReplyOnChannelWithoutSenderAndReportsItOnTheCase() throws Exception {
        String caseId = ReplyFixtures.insertCase(jdbc, Channel.WHATSAPP, null);
        ReplyFixtures.insertInbound(jdbc, mapper, ReplyFixtures.inboundWhatsapp(caseId));

        HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, "{\"text\": \"We are on it.\"}", Map.of());
        assertThat(response.statusCode()).isEqualTo(202);
        String replyId = mapper.readTree(response.body()).get("replyId").asText();

        List<Message> dead = probe.receive(DLQ, "CasebridgeReplyId = '" + replyId + "'", 15_000);
        assertThat(dead).hasSize(1);
        Message message = dead.get(0);
        assertThat(message.getStringProperty("CasebridgeFailureReason")).contains("No outbound sender for channel whatsapp");
        assertThat(message.getStringProperty("CasebridgeFailureRouteId")).isEqualTo(ROUTE);
        assertThat(message.getStringProperty("CasebridgeCaseId")).isEqualTo(caseId);
        // the original reply, unchanged, so that it can be moved back once a sender exists
        assertThat(mapper.readTree(((TextMessage) message).getText()).get("text").asText()).isEqualTo("We are on it.");

        Map<String, Object> row = ReplyFixtures.awaitStatus(jdbc, replyId, "failed");
        assertThat((String) row.get("delivery_detail")).contains("No outbound sender for channel whatsapp");
        assertThat(row.get("delivery_state")).isEqualTo("unsent");
        assertThat(row.get("channel")).isEqualTo("whatsapp");
    }

    @Test
    void rejectsQueuedRepliesThatCanNeverBeDelivered() throws Exception {
        String unknownCase = CaseIds.newCaseId();
        ReplyFixtures.sendToQueue(probe.url(), "{\"caseId\": \"" + unknownCase + "\", \"text\": \"Hello\"}", unknownCase);
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, customer(), "Lift");
        ReplyFixtures.sendToQueue(probe.url(), "{\"caseId\": \"" + caseId + "\", \"txt\": \"typo\"}", caseId);

        Message notFound = probe.receive(DLQ, "CasebridgeCaseId = '" + unknownCase + "'", 10_000).get(0);
        assertThat(notFound.getStringProperty("CasebridgeRejectionType")).isEqualTo("urn:casebridge:problem:case-not-found");
        Message invalid = probe.receive(DLQ, "CasebridgeCaseId = '" + caseId + "'", 10_000).get(0);
        assertThat(invalid.getStringProperty("CasebridgeRejectionType")).isEqualTo("urn:casebridge:problem:invalid-reply");
        assertThat(invalid.getStringProperty("CasebridgeFailureReason")).contains("txt");
        // refused at once: nothing stored on the case
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'outbound'", Integer.class, caseId)).isZero();
    }
}
