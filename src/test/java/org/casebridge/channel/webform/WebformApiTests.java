package org.casebridge.channel.webform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.RejectionStore;
import org.casebridge.store.AttachmentStore;
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
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The first channel end to end: POST /api/v1/messages over real HTTP, the case read back from the broker over TCP. */
class WebformApiTests extends BridgeTest {

    private static final String QUEUE = "casebridge.cases.new";
    private static final String JSON = "application/json";

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
    RejectionStore rejections;
    @Autowired
    AttachmentStore attachments;

    Http http;
    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
    }

    private HttpResponse<String> post(String body, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("X-Api-Key", API_KEY));
        all.putAll(headers);
        return http.post("/api/v1/messages", JSON, body.getBytes(StandardCharsets.UTF_8), all);
    }

    private static String message(String text) {
        return """
                {"sender": {"name": "Amira Hassan", "email": "Amira.Hassan@Example.ORG", "phone": "07911 123456"},
                 "subject": "Leaking tap", "text": "%s", "reference": "form-4711", "sentAt": "2026-11-24T09:15:00+01:00"}
                """.formatted(text);
    }

    @Test
    void acceptsMessageAndPublishesValidCaseOnTheBroker() throws Exception {
        byte[] photo = "not really a jpeg".getBytes(StandardCharsets.UTF_8);
        String body = """
                {"sender": {"name": "Amira Hassan", "email": "amira@example.org", "phone": "+44 7911 123456"},
                 "subject": "Leaking tap", "text": "The kitchen tap leaks since Monday.\\r\\nPlease send someone.",
                 "attachments": [{"filename": "C:\\\\photos\\\\tap.jpg", "contentType": "image/jpeg", "content": "%s"}]}
                """.formatted(Base64.getEncoder().encodeToString(photo));

        HttpResponse<String> response = post(body, Map.of());

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode answer = mapper.readTree(response.body());
        String caseId = answer.get("caseId").asText();
        assertThat(caseId).matches("CB-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}");
        assertThat(response.headers().firstValue("Location")).contains("/api/v1/cases/" + caseId);

        List<Message> messages = probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 5000);
        assertThat(messages).hasSize(1);
        Message jms = messages.get(0);
        assertThat(jms.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
        assertThat(jms.getStringProperty("CasebridgeChannel")).isEqualTo("webform");
        assertThat(jms.getStringProperty("CasebridgePriority")).isEqualTo("P3");
        assertThat(jms.getStringProperty("CasebridgeMessageId")).isEqualTo(answer.get("messageId").asText());
        assertThat(jms.getJMSCorrelationID()).isEqualTo(caseId);
        // one message group per case: with several instances one consumer at a time gets a case's messages, in order
        assertThat(jms.getStringProperty("JMSXGroupID")).isEqualTo(caseId);
        List<String> properties = Collections.list(jms.getPropertyNames()).stream().map(Object::toString).toList();
        assertThat(properties).allMatch(name -> name.startsWith("Casebridge") || name.startsWith("JMS"), "only case properties");

        JsonNode published = mapper.readTree(((TextMessage) jms).getText());
        assertThat(schema.violations(published)).isEmpty();
        assertThat(published.get("caseId").asText()).isEqualTo(caseId);
        assertThat(published.get("channel").asText()).isEqualTo("webform");
        assertThat(published.get("direction").asText()).isEqualTo("inbound");
        assertThat(published.get("kind").asText()).isEqualTo("message");
        assertThat(published.get("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(published.at("/customer/phone").asText()).isEqualTo("+447911123456");
        assertThat(published.at("/body/text").asText()).isEqualTo("The kitchen tap leaks since Monday.\nPlease send someone.");
        assertThat(published.at("/source/system").asText()).isEqualTo("api:demo-website");
        assertThat(published.at("/source/rawRef").asText()).startsWith("raw/");
        assertThat(published.at("/trust/verified").asBoolean()).isFalse();
        JsonNode attachment = published.at("/attachments/0");
        assertThat(attachment.get("filename").asText()).isEqualTo("tap.jpg");
        assertThat(attachment.get("size").asLong()).isEqualTo(photo.length);
        assertThat(attachment.get("sha256").asText()).isEqualTo(org.casebridge.store.BlobStore.sha256Hex(photo));
        assertThat(attachments.get(attachment.get("ref").asText())).isEqualTo(photo);
    }

    @Test
    void returnsTheCaseWithItsMessages() throws Exception {
        HttpResponse<String> created = post(message("Mould in the bathroom"), Map.of());
        String caseId = mapper.readTree(created.body()).get("caseId").asText();

        HttpResponse<String> response = http.get("/api/v1/cases/" + caseId.toLowerCase(), Map.of("X-Api-Key", API_KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode view = mapper.readTree(response.body());
        assertThat(view.get("caseId").asText()).isEqualTo(caseId);
        assertThat(view.get("status").asText()).isEqualTo("open");
        assertThat(view.get("messages")).hasSize(1);
        JsonNode first = view.get("messages").get(0);
        assertThat(schema.violations(first)).isEmpty();
        assertThat(first.at("/customer/email").asText()).isEqualTo("Amira.Hassan@example.org");
        assertThat(first.at("/source/externalId").asText()).isEqualTo("form-4711");
        assertThat(first.get("sentAt").asText()).isEqualTo("2026-11-24T08:15:00.000Z");
    }

    @Test
    void unknownCaseIsNotFound() throws Exception {
        HttpResponse<String> response = http.get("/api/v1/cases/CB-ZZZZZZ", Map.of("X-Api-Key", API_KEY));
        assertProblem(response, 404, "case-not-found");
        assertThat(http.get("/api/v1/cases/not-a-case", Map.of("X-Api-Key", API_KEY)).statusCode()).isEqualTo(404);
    }

    @Test
    void retriedPostWithSameIdempotencyKeyPublishesOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post(message("Boiler broken"), Map.of("Idempotency-Key", key));
        HttpResponse<String> second = post(message("Boiler broken"), Map.of("Idempotency-Key", key));

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        String caseId = mapper.readTree(first.body()).get("caseId").asText();
        assertThat(mapper.readTree(second.body()).get("caseId").asText()).isEqualTo(caseId);
        assertThat(mapper.readTree(second.body()).get("repeated").asBoolean()).isTrue();
        assertThat(probe.receive(QUEUE, null, 2000)).hasSize(1);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ?", Integer.class, caseId)).isEqualTo(1);
    }

    @Test
    void reusedIdempotencyKeyWithOtherBodyIsRefused() throws Exception {
        String key = UUID.randomUUID().toString();
        assertThat(post(message("first"), Map.of("Idempotency-Key", key)).statusCode()).isEqualTo(202);
        probe.drain(QUEUE);

        assertProblem(post(message("second"), Map.of("Idempotency-Key", key)), 422, "idempotency-key-reused");
        assertQueueEmpty();
    }

    @Test
    void refusesMalformedJson() throws Exception {
        long before = rejections.count();
        HttpResponse<String> response = post("{\"sender\": {\"email\": \"a@b.org\"}, \"text\": ", Map.of());
        JsonNode problem = assertProblem(response, 400, "invalid-json");
        assertThat(problem.get("detail").asText()).contains("line 1");
        assertQueueEmpty();
        assertThat(rejections.count()).isEqualTo(before + 1);
        String rawRef = jdbc.queryForObject("select raw_ref from cb_rejection order by received_at desc limit 1", String.class);
        assertThat(rawRef).startsWith("raw/");
    }

    @Test
    void refusesMissingRequiredFieldsNamingThem() throws Exception {
        JsonNode problem = assertProblem(post("{\"subject\": \"hello\"}", Map.of()), 400, "invalid-message");
        assertThat(problem.get("errors").findValuesAsText("pointer")).contains("/text", "/sender");
        assertQueueEmpty();
    }

    @Test
    void refusesInvalidFieldValues() throws Exception {
        String body = """
                {"sender": {"email": "not an address", "phone": "12"}, "text": "hi", "sentAt": "yesterday"}
                """;
        JsonNode problem = assertProblem(post(body, Map.of()), 400, "invalid-message");
        assertThat(problem.get("errors").findValuesAsText("pointer")).contains("/sender/email", "/sender/phone", "/sentAt");
        assertQueueEmpty();
    }

    @Test
    void refusesUnknownFields() throws Exception {
        JsonNode problem = assertProblem(post("{\"sender\": {\"email\": \"a@b.org\"}, \"text\": \"hi\", \"prio\": 1}", Map.of()),
                400, "unknown-field");
        assertThat(problem.get("detail").asText()).contains("prio");
        assertQueueEmpty();
    }

    @Test
    void refusesWrongContentType() throws Exception {
        HttpResponse<String> response = http.post("/api/v1/messages", "text/plain",
                message("hi").getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", API_KEY));
        assertProblem(response, 415, "unsupported-media-type");
        assertQueueEmpty();
    }

    @Test
    void refusesUnknownApiKey() throws Exception {
        HttpResponse<String> response = http.post("/api/v1/messages", JSON,
                message("hi").getBytes(StandardCharsets.UTF_8), Map.of("X-Api-Key", "guess"));
        assertProblem(response, 401, "unauthorized");
        assertProblem(http.post("/api/v1/messages", JSON, message("hi").getBytes(StandardCharsets.UTF_8), Map.of()),
                401, "unauthorized");
        assertThat(http.get("/api/v1/cases/CB-ZZZZZZ", Map.of()).statusCode()).isEqualTo(401);
        assertQueueEmpty();
    }

    @Test
    void refusesOversizedBody() throws Exception {
        byte[] huge = new byte[17 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        HttpResponse<String> response = http.post("/api/v1/messages", JSON, huge, Map.of("X-Api-Key", API_KEY));
        JsonNode problem = assertProblem(response, 413, "payload-too-large");
        assertThat(problem.get("detail").asText()).contains(String.valueOf(16 * 1024 * 1024));
        assertQueueEmpty();
    }

    @Test
    void refusesOversizedAttachment() throws Exception {
        byte[] big = new byte[10 * 1024 * 1024 + 1];
        String body = """
                {"sender": {"email": "a@example.org"}, "text": "see attached",
                 "attachments": [{"filename": "scan.pdf", "contentType": "application/pdf", "content": "%s"}]}
                """.formatted(Base64.getEncoder().encodeToString(big));
        JsonNode problem = assertProblem(post(body, Map.of()), 413, "attachment-too-large");
        assertThat(problem.get("detail").asText()).contains("scan.pdf");
        assertQueueEmpty();
    }

    @Test
    void refusesAttachmentThatIsNotBase64() throws Exception {
        String body = """
                {"sender": {"email": "a@example.org"}, "text": "see attached",
                 "attachments": [{"filename": "x.txt", "contentType": "text/plain", "content": "@@not base64@@"}]}
                """;
        JsonNode problem = assertProblem(post(body, Map.of()), 400, "invalid-message");
        assertThat(problem.get("errors").findValuesAsText("pointer")).contains("/attachments/0/content");
        assertQueueEmpty();
    }

    @Test
    void requestHeadersAreNotEchoedBack() {
        HttpResponse<String> response = post(message("hello"), Map.of("X-Secret-Thing", "s3cr3t"));
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Secret-Thing")
                || h.equalsIgnoreCase("X-Api-Key") || h.startsWith("Casebridge"));
    }

    private JsonNode assertProblem(HttpResponse<String> response, int status, String slug) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = mapper.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:casebridge:problem:" + slug);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        return problem;
    }

    /** No web-form case was published: the mail and chat flows of this shared context publish to the same queue on their own. */
    private void assertQueueEmpty() throws Exception {
        assertThat(probe.count(QUEUE, "CasebridgeChannel = 'webform'")).isZero();
    }
}
