package org.casebridge.replies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.Channel;
import org.casebridge.cases.MessageKind;
import org.casebridge.channel.email.EmailSandbox;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.casebridge.replies.ReplyFixtures.BACKOFFICE_KEY;

/** Replies through the API end to end: POST over real HTTP, the mail read from the customer's mailbox in the sandbox. */
class ReplyApiTests extends BridgeTest {

    @LocalServerPort
    int port;
    @Autowired
    EmailSandbox sandbox;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CaseSchema schema;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    private static String customer() {
        return "tenant-" + UUID.randomUUID() + "@example.org";
    }

    @Test
    void answersWebFormCustomerByEmailWithCaseTokenAndShowsReplyOnCase() throws Exception {
        String email = customer();
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, email, "Leaking tap");

        HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, """
                {"text": "A plumber will come on Thursday morning.\\nKind regards, Housing Officer Jones",
                 "author": {"name": "Housing Officer Jones"}, "kind": "message", "reference": "HMS-4711"}
                """, Map.of());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = mapper.readTree(response.body());
        assertThat(answer.get("caseId").asText()).isEqualTo(caseId);
        assertThat(answer.get("status").asText()).isEqualTo("queued");
        assertThat(answer.get("repeated").asBoolean()).isFalse();
        String replyId = answer.get("replyId").asText();
        assertThat(replyId).startsWith("msg-");

        List<MimeMessage> mails = ReplyFixtures.awaitMails(sandbox.greenMail(), email, 1, 10_000);
        assertThat(mails).hasSize(1);
        MimeMessage mail = mails.get(0);
        assertThat(mail.getSubject()).isEqualTo("Re: Leaking tap [" + caseId + "]");
        InternetAddress from = (InternetAddress) mail.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("support@casebridge.local");
        assertThat(from.getPersonal()).isEqualTo("Casebridge Support");
        assertThat(((InternetAddress) mail.getReplyTo()[0]).getAddress())
                .isEqualTo("support+" + caseId.toLowerCase(Locale.ROOT) + "@casebridge.local");
        assertThat(mail.getMessageID()).matches("<[0-9a-f-]{36}@casebridge\\.local>");
        // a web form case has no mail to answer: no threading headers, and a human answer is no auto-reply
        assertThat(mail.getHeader("In-Reply-To")).isNull();
        assertThat(mail.getHeader("Auto-Submitted")).isNull();
        assertThat(mail.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(((String) mail.getContent()).replace("\r\n", "\n").strip())
                .isEqualTo("A plumber will come on Thursday morning.\nKind regards, Housing Officer Jones");

        Map<String, Object> row = ReplyFixtures.awaitStatus(jdbc, replyId, "sent");
        assertThat(row.get("direction")).isEqualTo("outbound");
        assertThat(row.get("delivery_state")).isEqualTo("published");
        assertThat(row.get("delivery_updated_at")).isNotNull();
        assertThat(row.get("external_id")).isEqualTo(mail.getMessageID().replaceAll("[<>]", ""));
        assertThat(row.get("author_name")).isEqualTo("Housing Officer Jones");
        assertThat(row.get("reply_reference")).isEqualTo("HMS-4711");
        // the customer's answer to this mail names its Message-ID: it must lead back to the case
        assertThat(jdbc.queryForList("select case_id from cb_message_ref where message_ref = ?", String.class, row.get("external_id")))
                .containsExactly(caseId);

        JsonNode view = mapper.readTree(http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", API_KEY)).body());
        assertThat(view.get("messageCount").asInt()).isEqualTo(2);
        JsonNode outbound = view.at("/messages/1");
        assertThat(schema.violations(outbound)).isEmpty();
        assertThat(outbound.get("messageId").asText()).isEqualTo(replyId);
        assertThat(outbound.get("direction").asText()).isEqualTo("outbound");
        assertThat(outbound.get("kind").asText()).isEqualTo("message");
        assertThat(outbound.get("channel").asText()).isEqualTo("webform");
        assertThat(outbound.get("sentAt").isNull()).isFalse();
        assertThat(outbound.at("/customer/email").asText()).isEqualTo(email);
        assertThat(outbound.at("/recipients/to/0/address").asText()).isEqualTo(email);
        assertThat(outbound.at("/thread/method").asText()).isEqualTo("header");
        assertThat(outbound.at("/source/system").asText()).isEqualTo("support@casebridge.local");
        assertThat(outbound.at("/source/externalId").asText()).isEqualTo(row.get("external_id"));
    }

    @Test
    void threadsReplyUnderTheCustomersLatestMailAndSendsSanitisedHtml() throws Exception {
        String caseId = ReplyFixtures.insertCase(jdbc, Channel.EMAIL, null);
        // the customer kept the case token of our acknowledgement in the subject
        jdbc.update("update cb_case set subject = ? where case_id = ?", "[" + caseId + "] Boiler broken", caseId);
        String from = customer();
        String replyTo = customer();
        Instant start = Instant.now().minusSeconds(60);
        ReplyFixtures.insertInbound(jdbc, mapper, ReplyFixtures.inboundEmail(caseId, start, MessageKind.MESSAGE, from, replyTo,
                "first@tenant.example.org", List.of()));
        ReplyFixtures.insertInbound(jdbc, mapper, ReplyFixtures.inboundEmail(caseId, start.plusSeconds(10), MessageKind.MESSAGE, from, null,
                "second@tenant.example.org", List.of("root@casebridge.local", "first@tenant.example.org")));
        // the customer's mail server answered on its own afterwards: not a mail the customer's client would thread under
        ReplyFixtures.insertInbound(jdbc, mapper, ReplyFixtures.inboundEmail(caseId, start.plusSeconds(20), MessageKind.AUTO_REPLY, from, null,
                "holiday@tenant.example.org", List.of("second@tenant.example.org")));

        HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, """
                {"text": "We have booked an engineer.", "html": "<p>We have <b>booked</b> an engineer.<script>alert(1)</script></p>",
                 "kind": "status-update"}
                """, Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

        // answers go to the Reply-To the customer asked for in the first mail
        MimeMessage mail = ReplyFixtures.awaitMails(sandbox.greenMail(), replyTo, 1, 10_000).get(0);
        assertThat(mail.getSubject()).isEqualTo("Re: [" + caseId + "] Boiler broken");
        assertThat(mail.getHeader("In-Reply-To", null)).isEqualTo("<second@tenant.example.org>");
        assertThat(mail.getHeader("References", null).replaceAll("\\s+", " "))
                .isEqualTo("<root@casebridge.local> <first@tenant.example.org> <second@tenant.example.org>");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(((String) parts.getBodyPart(0).getContent()).strip()).isEqualTo("We have booked an engineer.");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        String html = (String) parts.getBodyPart(1).getContent();
        assertThat(html).contains("<b>booked</b>").doesNotContain("script").doesNotContain("alert");

        String replyId = mapper.readTree(response.body()).get("replyId").asText();
        Map<String, Object> row = ReplyFixtures.awaitStatus(jdbc, replyId, "sent");
        assertThat(row.get("kind")).isEqualTo("status-update");
        JsonNode stored = mapper.readTree((String) row.get("payload"));
        assertThat(schema.violations(stored)).isEmpty();
        assertThat(stored.at("/body/html").asText()).contains("<b>booked</b>").doesNotContain("script");
        assertThat(stored.at("/thread/inReplyTo").asText()).isEqualTo("second@tenant.example.org");
    }

    @Test
    void refusesReplyFromClientWithoutTrustedIdentity() throws Exception {
        String email = customer();
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, email, "Noise");

        HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, API_KEY, "{\"text\": \"Anyone may write this?\"}", Map.of());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:forbidden");
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'outbound'", Integer.class, caseId)).isZero();
    }

    @Test
    void refusesReplyToUnknownCase() throws Exception {
        for (String caseId : List.of("CB-ZZZZZZ", "not-a-case")) {
            HttpResponse<String> response = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, "{\"text\": \"Hello\"}", Map.of());

            assertThat(response.statusCode()).as(caseId).isEqualTo(404);
            assertThat(mapper.readTree(response.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:case-not-found");
        }
    }

    @Test
    void refusesInvalidReplies() throws Exception {
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, customer(), "Mould");

        HttpResponse<String> noText = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, "{\"text\": \"  \", \"kind\": \"auto-reply\"}", Map.of());
        assertThat(noText.statusCode()).isEqualTo(400);
        JsonNode problem = mapper.readTree(noText.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:casebridge:problem:invalid-message");
        assertThat(problem.get("errors").findValuesAsText("pointer")).containsExactly("/text", "/kind");

        HttpResponse<String> unknown = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, "{\"text\": \"Hi\", \"caseId\": \"" + caseId + "\"}", Map.of());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(mapper.readTree(unknown.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:unknown-field");

        HttpResponse<String> tooLong = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY,
                "{\"text\": \"" + "x".repeat(100_001) + "\"}", Map.of());
        assertThat(tooLong.statusCode()).isEqualTo(400);

        HttpResponse<String> notJson = http.post("/api/v1/cases/" + caseId + "/replies", "text/plain", "Hello".getBytes(), Map.of("X-Api-Key", BACKOFFICE_KEY));
        assertThat(notJson.statusCode()).isEqualTo(415);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'outbound'", Integer.class, caseId)).isZero();
    }

    @Test
    void retryWithTheSameIdempotencyKeySendsOneMail() throws Exception {
        String email = customer();
        String caseId = ReplyFixtures.openWebformCase(http, mapper, API_KEY, email, "Broken window");
        String key = UUID.randomUUID().toString();
        String body = "{\"text\": \"A glazier is on the way.\"}";

        HttpResponse<String> first = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, body, Map.of("Idempotency-Key", key));
        assertThat(first.statusCode()).isEqualTo(202);
        String replyId = mapper.readTree(first.body()).get("replyId").asText();
        ReplyFixtures.awaitStatus(jdbc, replyId, "sent");

        HttpResponse<String> again = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, body, Map.of("Idempotency-Key", key));
        assertThat(again.statusCode()).isEqualTo(202);
        JsonNode repeated = mapper.readTree(again.body());
        assertThat(repeated.get("replyId").asText()).isEqualTo(replyId);
        assertThat(repeated.get("repeated").asBoolean()).isTrue();
        assertThat(repeated.get("status").asText()).isEqualTo("sent");

        HttpResponse<String> reused = ReplyFixtures.postReply(http, caseId, BACKOFFICE_KEY, "{\"text\": \"Something else\"}",
                Map.of("Idempotency-Key", key));
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(mapper.readTree(reused.body()).get("type").asText()).isEqualTo("urn:casebridge:problem:idempotency-key-reused");

        // nothing may happen here: a second mail, were one sent, would come within half a second
        Awaitility.await("no second mail").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> ReplyFixtures.mailsTo(sandbox.greenMail(), email).size() == 1);
        assertThat(ReplyFixtures.mailsTo(sandbox.greenMail(), email)).hasSize(1);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ? and direction = 'outbound'", Integer.class, caseId))
                .isEqualTo(1);
    }
}
