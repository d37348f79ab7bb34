package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
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
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Back-office delivery end to end: messages posted to the real API reach the housing system's queue, its drop folder
 * and a stub CRM (WireMock) that fails, times out and then accepts; the housing system's export files come back to
 * the customer as status updates; dead letters are replayed.
 */
@BridgeContext("backoffice")
@TestPropertySource(properties = {
        "casebridge.errors.maximum-redeliveries=5",
        "casebridge.backoffice.enabled=true",
        "casebridge.backoffice.targets=housing-queue,housing-files,crm",
        "camel.main.routes-include-pattern=file:routes/*.yaml,file:routes/examples/case-to-crm.yaml",
        "casebridge.backoffice.crm.authentication=api-key",
        "casebridge.backoffice.crm.api-key=crm-test-key",
        "casebridge.backoffice.crm.timeout=1000",
        "camel.component.http.response-timeout=1000",
        // the tests fail the CRM on purpose, many times: the circuit breaker must not stop the calls the next test expects
        "casebridge.backoffice.crm.circuit-breaker.minimum-number-of-calls=1000",
        "casebridge.backoffice.crm.circuit-breaker.wait-duration=1"
})
class BackofficeDeliveryTests {

    private static final String WEBFORM_KEY = "demo-key-change-me";
    private static final WireMockServer CRM = new WireMockServer(wireMockConfig().dynamicPort());
    @Autowired
    private TestInfrastructure.Ports infrastructure;

    static {
        CRM.start();
    }

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        registry.add("casebridge.backoffice.crm.base-url", () -> CRM.baseUrl() + "/api");
    }

    @AfterAll
    static void stopCrm() {
        CRM.stop();
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
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;

    Http http;
    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
        // any other case: the CRM creates it (id from the case id) and takes its notes
        CRM.stubFor(post(urlEqualTo("/api/cases")).atPriority(10).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\": \"CRM-{{request.headers.X-Casebridge-Case-Id}}\"}")
                .withTransformers("response-template")));
        CRM.stubFor(post(urlPathMatching("/api/cases/.+/notes")).atPriority(10).willReturn(aResponse().withStatus(201)));
    }

    private String postMessage(String text) throws Exception {
        String body = """
                {"sender": {"name": "Jan Kowalski", "email": "jan@example.org", "phone": "07911 123456"},
                 "subject": "Broken boiler", "text": "%s"}
                """.formatted(text);
        HttpResponse<String> response = http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", WEBFORM_KEY));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("caseId").asText();
    }

    @Test
    void deliversEachCaseToTheHousingQueueWithPropertiesForSelectors() throws Exception {
        // no hazard words: triage leaves the default priority
        String caseId = postMessage("The garden gate does not close since yesterday.");

        List<Message> messages = probe.receive("casebridge.backoffice.housing", "CasebridgeCaseId = '" + caseId + "'", 15_000);
        assertThat(messages).hasSize(1);
        Message message = messages.get(0);
        JsonNode value = mapper.readTree(((TextMessage) message).getText());
        assertThat(value.get("caseId").asText()).isEqualTo(caseId);
        assertThat(value.at("/body/text").asText()).isEqualTo("The garden gate does not close since yesterday.");
        assertThat(message.getStringProperty("CasebridgeChannel")).isEqualTo("webform");
        assertThat(message.getStringProperty("CasebridgePriority")).isEqualTo("P3");
        // the case's message group, kept through casebridge.delivery.housing-queue to the housing system
        assertThat(message.getStringProperty("JMSXGroupID")).isEqualTo(caseId);
        assertThat(message.getStringProperty("CasebridgeMessageId")).isEqualTo(value.get("messageId").asText());
        assertThat(message.getJMSPriority()).isEqualTo(4);
        assertThat(message.getJMSDeliveryMode()).isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
        assertThat(message.getJMSType()).isEqualTo("casebridge.case.v1");
        assertThat(message.getStringProperty("CasebridgeFailureReason")).isNull();
    }

    @Test
    void writesEachCaseAsCsvFileIntoTheDropFolderUnderItsFinalNameOnly() throws Exception {
        String caseId = postMessage("The bathroom door sticks, \\\"badly\\\", since March.");
        Path drop = infrastructure.dataDir().resolve("backoffice/housing/drop");

        Path file = await().atMost(Duration.ofSeconds(15)).until(() -> find(drop, caseId), f -> f != null);
        assertThat(file.getFileName().toString()).startsWith("case-" + caseId + "_msg-").endsWith(".csv");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("case_ref,received,channel,priority,category,name,email,phone,customer_id,tenancy_ref,subject,text");
        assertThat(lines.get(1)).startsWith(caseId + ",").contains(",webform,P3,,Jan Kowalski,jan@example.org,+447911123456,,,Broken boiler,")
                .endsWith("\"The bathroom door sticks, \"\"badly\"\", since March.\"");
        try (Stream<Path> files = Files.list(drop)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }

    @Test
    void crmGetsEachCaseOnceThroughFailuresAndATimeoutThenUpdatesIt() throws Exception {
        camel.getRouteController().stopRoute("case-to-crm");
        String caseId;
        try {
            caseId = postMessage("The front door lock is broken.");
            // the CRM fails twice, then takes the case but answers too late (timeout 1 s), then answers the retry
            // with the case it made (it honours Idempotency-Key)
            String scenario = "crm-" + caseId;
            CRM.stubFor(post(urlEqualTo("/api/cases")).atPriority(1).withHeader("X-Casebridge-Case-Id", equalTo(caseId))
                    .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("failed-once")
                    .willReturn(aResponse().withStatus(500).withBody("database busy")));
            CRM.stubFor(post(urlEqualTo("/api/cases")).atPriority(1).withHeader("X-Casebridge-Case-Id", equalTo(caseId))
                    .inScenario(scenario).whenScenarioStateIs("failed-once").willSetStateTo("failed-twice")
                    .willReturn(aResponse().withStatus(503)));
            CRM.stubFor(post(urlEqualTo("/api/cases")).atPriority(1).withHeader("X-Casebridge-Case-Id", equalTo(caseId))
                    .inScenario(scenario).whenScenarioStateIs("failed-twice").willSetStateTo("created")
                    .willReturn(aResponse().withStatus(201).withFixedDelay(3000).withHeader("Content-Type", "application/json")
                            .withBody("{\"id\": \"CRM-77\"}")));
            CRM.stubFor(post(urlEqualTo("/api/cases")).atPriority(1).withHeader("X-Casebridge-Case-Id", equalTo(caseId))
                    .inScenario(scenario).whenScenarioStateIs("created")
                    .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\": \"CRM-77\"}")));
        } finally {
            camel.getRouteController().startRoute("case-to-crm");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> crmId(caseId) != null);
        assertThat(crmId(caseId)).isEqualTo("CRM-77");
        // WireMock journals the timed-out request once it has answered it, 3 s late
        await().atMost(Duration.ofSeconds(10)).until(() -> CRM.findAll(postRequestedFor(urlEqualTo("/api/cases"))
                .withHeader("X-Casebridge-Case-Id", equalTo(caseId))).size() >= 4);
        List<LoggedRequest> creates = CRM.findAll(postRequestedFor(urlEqualTo("/api/cases")).withHeader("X-Casebridge-Case-Id", equalTo(caseId)));
        assertThat(creates).hasSize(4);
        String messageId = creates.get(0).getHeader("Idempotency-Key");
        assertThat(messageId).startsWith("msg-");
        assertThat(creates).allSatisfy(request -> {
            assertThat(request.getHeader("Idempotency-Key")).isEqualTo(messageId);
            assertThat(request.getHeader("X-Api-Key")).isEqualTo("crm-test-key");
        });
        JsonNode sent = mapper.readTree(creates.get(3).getBodyAsString());
        assertThat(sent.get("externalReference").asText()).isEqualTo(caseId);
        assertThat(sent.get("title").asText()).isEqualTo("Broken boiler");
        assertThat(sent.get("priority").asText()).isEqualTo("normal");
        assertThat(sent.at("/contact/email").asText()).isEqualTo("jan@example.org");
        assertThat(jdbc.queryForObject("select count(*) from cb_delivery where target = 'casebridge.delivery.crm' and case_id = ?", Integer.class, caseId)).isEqualTo(1);

        // a later message of the case updates the CRM's case; the same message delivered again changes nothing
        String firstCase = jdbc.queryForObject("select payload from cb_message where case_id = ? and direction = 'inbound'", String.class, caseId);
        ObjectNode later = (ObjectNode) mapper.readTree(firstCase);
        later.put("messageId", "msg-00000000-0000-4000-8000-" + caseId.substring(3).toLowerCase() + "000000".substring(caseId.length() - 3));
        ((ObjectNode) later.get("body")).put("latest", "Still broken, please hurry.");
        String laterJson = mapper.writeValueAsString(later);
        producer.sendBodyAndHeader("jms:queue:casebridge.delivery.crm", laterJson, "CasebridgeCaseId", caseId);
        String notes = "/api/cases/CRM-77/notes";
        await().atMost(Duration.ofSeconds(15)).until(() -> CRM.findAll(postRequestedFor(urlEqualTo(notes))).size() == 1);
        producer.sendBodyAndHeader("jms:queue:casebridge.delivery.crm", laterJson, "CasebridgeCaseId", caseId);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> CRM.findAll(postRequestedFor(urlEqualTo(notes))).size() == 1);
        JsonNode note = mapper.readTree(CRM.findAll(postRequestedFor(urlEqualTo(notes))).get(0).getBodyAsString());
        assertThat(note.get("caseId").asText()).isEqualTo("CRM-77");
        assertThat(note.get("note").asText()).isEqualTo("Still broken, please hurry.");
        assertThat(CRM.findAll(postRequestedFor(urlEqualTo("/api/cases")).withHeader("X-Casebridge-Case-Id", equalTo(caseId)))).hasSize(4);
    }

    @Test
    void crmDeadLettersAfterTheLastRedeliveryAndTheAdministratorReplaysIt() throws Exception {
        camel.getRouteController().stopRoute("case-to-crm");
        String caseId;
        try {
            caseId = postMessage("Rats in the loft.");
            CRM.stubFor(post(urlEqualTo("/api/cases")).atPriority(1).withHeader("X-Casebridge-Case-Id", equalTo(caseId))
                    .willReturn(aResponse().withStatus(500).withBody("CRM down for maintenance")));
        } finally {
            camel.getRouteController().startRoute("case-to-crm");
        }
        String selector = "CasebridgeCaseId = '" + caseId + "'";
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.count("casebridge.delivery.crm.dlq", selector) == 1);
        assertThat(crmId(caseId)).isNull();
        Map<String, Object> dead = browse("casebridge.delivery.crm.dlq", selector);
        assertThat((String) dead.get("CasebridgeFailureReason")).contains("statusCode: 500");
        assertThat(dead.get("CasebridgeCaseId")).isEqualTo(caseId);

        // the CRM is back: the administrator replays the dead letter (selector: only this case)
        CRM.stubFor(post(urlEqualTo("/api/cases")).atPriority(1).withHeader("X-Casebridge-Case-Id", equalTo(caseId))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\": \"CRM-RAT\"}")));
        HttpResponse<String> replay = http.asAdmin().post("/api/v1/admin/dlq/casebridge.delivery.crm/replay?selector="
                + java.net.URLEncoder.encode(selector, StandardCharsets.UTF_8), "application/json", new byte[0], Map.of());
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        JsonNode result = mapper.readTree(replay.body());
        assertThat(result.get("moved").asInt()).isEqualTo(1);
        assertThat(result.get("deadLetterQueue").asText()).isEqualTo("casebridge.delivery.crm.dlq");
        await().atMost(Duration.ofSeconds(15)).until(() -> "CRM-RAT".equals(crmId(caseId)));
        assertThat(probe.count("casebridge.delivery.crm.dlq", selector)).isZero();
    }

    @Test
    void exportFileLinesReachTheCustomerAsStatusUpdatesOnceEvenWhenTheFileComesTwice() throws Exception {
        String caseId = postMessage("The kitchen window does not close.");
        await().atMost(Duration.ofSeconds(15)).until(() -> crmId(caseId) != null); // delivered everywhere: quiet from here
        Path export = infrastructure.dataDir().resolve("backoffice/housing/export");
        Files.createDirectories(export);
        String csv = """
                case_ref,job_ref,status,appointment,event_id
                %s,JOB-4411,booked,"Tuesday 09:00-13:00",EV-1
                %s,JOB-4411,completed,,EV-2
                """.formatted(caseId.toLowerCase(), caseId);
        Files.writeString(export.resolve("repairs-1.csv"), csv, StandardCharsets.UTF_8);

        await().atMost(Duration.ofSeconds(20)).until(() -> statusUpdates(caseId).size() == 2);
        assertThat(export.resolve("done/repairs-1.csv")).exists();
        assertThat(statusUpdates(caseId)).containsExactlyInAnyOrder("Repair JOB-4411: booked Tuesday 09:00-13:00", "Repair JOB-4411: completed");

        // the housing system exports the same lines again, in another file: nothing new reaches the customer
        Files.writeString(export.resolve("repairs-2.csv"), csv, StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(export.resolve("done/repairs-2.csv")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> statusUpdates(caseId).size() == 2);
        // a status update sent on the queue twice: one message
        String update = "{\"caseId\": \"" + caseId + "\", \"text\": \"Your repair is booked.\", \"reference\": \"JOB-4412\", \"updateId\": \"Q-1\"}";
        producer.sendBody("jms:queue:casebridge.backoffice.updates", update);
        producer.sendBody("jms:queue:casebridge.backoffice.updates", update);
        await().atMost(Duration.ofSeconds(15)).until(() -> statusUpdates(caseId).size() == 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> statusUpdates(caseId).size() == 3);
        assertThat(jdbc.queryForList("select reply_reference from cb_message where case_id = ? and kind = 'status-update'", String.class, caseId))
                .containsExactlyInAnyOrder("JOB-4411", "JOB-4411", "JOB-4412");
    }

    @Test
    void malformedExportFileMovesToErrorWithItsReasonsAndChangesNothing() throws Exception {
        Path export = infrastructure.dataDir().resolve("backoffice/housing/export");
        Files.createDirectories(export);
        String caseId = postMessage("Damp in the hallway.");
        Files.writeString(export.resolve("broken.csv"), """
                case_ref,job_ref,status,appointment,event_id
                %s,JOB-1,booked,Monday,EV-10
                NOT-A-CASE,JOB-2,booked,Monday,EV-11
                %s,JOB-3,booked
                """.formatted(caseId, caseId), StandardCharsets.UTF_8);

        Path reason = export.resolve("error/broken.csv.reason.txt");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(reason) && Files.exists(export.resolve("error/broken.csv")));
        String text = Files.readString(reason);
        assertThat(text).contains("line 3: 'NOT-A-CASE' in column case_ref is not a case reference")
                .contains("line 4: 3 fields, the header has 5");
        assertThat(export.resolve("broken.csv")).doesNotExist();
        assertThat(statusUpdates(caseId)).isEmpty();

        // a file in another encoding than configured (UTF-8) is refused with the byte that is wrong
        Files.write(export.resolve("latin1.csv"), ("case_ref,job_ref,status,appointment,event_id\n" + caseId + ",JOB-5,r\u00e9par\u00e9,,EV-12\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        Path latin1 = export.resolve("error/latin1.csv.reason.txt");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(latin1));
        assertThat(Files.readString(latin1)).contains("line 2: byte").contains("is not valid UTF-8");
    }

    private List<String> statusUpdates(String caseId) {
        return jdbc.queryForList("select payload from cb_message where case_id = ? and kind = 'status-update' and direction = 'outbound'",
                String.class, caseId).stream().map(json -> {
                    try {
                        return mapper.readTree(json).at("/body/text").asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    /** The JMS properties of the first message on {@code queue} matching {@code selector}, left on the queue. */
    private Map<String, Object> browse(String queue, String selector) throws Exception {
        try (jakarta.jms.Connection connection = new org.apache.activemq.ActiveMQConnectionFactory(
                org.casebridge.support.TestInfrastructure.BROKER_USER, org.casebridge.support.TestInfrastructure.BROKER_PASSWORD, probe.url()).createConnection()) {
            connection.start();
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            try (jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(queue), selector)) {
                Message message = (Message) browser.getEnumeration().nextElement();
                Map<String, Object> properties = new java.util.HashMap<>();
                for (Object name : java.util.Collections.list(message.getPropertyNames())) {
                    properties.put((String) name, message.getObjectProperty((String) name));
                }
                return properties;
            }
        }
    }

    private String crmId(String caseId) {
        return jdbc.queryForList("select crm_id from cb_crm_case where target = 'casebridge.delivery.crm' and case_id = ?", String.class, caseId)
                .stream().findFirst().orElse(null);
    }

    static Path find(Path dir, String caseId) throws Exception {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(caseId) && !p.getFileName().toString().endsWith(".part"))
                    .findFirst().orElse(null);
        }
    }
}
