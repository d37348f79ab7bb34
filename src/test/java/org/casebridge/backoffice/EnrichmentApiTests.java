package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.casebridge.cases.CaseSchema;
import org.casebridge.support.TestInfrastructure;
import org.casebridge.support.BridgeContext;
import org.casebridge.customers.IdentityStore;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole bridge with enrichment on, against a stub housing system (WireMock) on a real port: a web form message from
 * a known tenant reaches casebridge.cases.new with the housing system's ids and flags; operators see and merge
 * customers over the admin API.
 */
@BridgeContext("enrichment")
@TestPropertySource(properties = {
        "casebridge.enrichment.enabled=true",
        "casebridge.enrichment.lookup=rest",
        "casebridge.enrichment.rest.api-key=housing-key",
        // generous, so a busy build machine does not turn a found customer into "unavailable"
        "casebridge.enrichment.timeout=5s"
})
class EnrichmentApiTests {

    private static final String QUEUE = "casebridge.cases.new";
    private static final WireMockServer HOUSING = start();

    @LocalServerPort
    int port;
    @Autowired
    BrokerService broker;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    CaseSchema schema;
    @Autowired
    IdentityStore identities;

    Http http;
    BrokerProbe probe;

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        registry.add("casebridge.enrichment.rest.base-url", () -> HOUSING.baseUrl());
    }

    @AfterAll
    static void stop() {
        HOUSING.stop();
    }

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
        HOUSING.resetAll();
        HOUSING.stubFor(get(urlPathEqualTo("/customers")).willReturn(aResponse().withStatus(404)).atPriority(10));
    }

    private JsonNode postAndReceive(String email, String phone) throws Exception {
        String body = """
                {"sender": {"name": "Amira Hassan", "email": "%s"%s}, "subject": "Leaking tap", "text": "The tap leaks."}
                """.formatted(email, phone == null ? "" : ", \"phone\": \"" + phone + "\"");
        HttpResponse<String> response = http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                // a trusted back-office client: only a verified sender is looked up in the housing system
                Map.of("X-Api-Key", "backoffice-key-change-me"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String caseId = mapper.readTree(response.body()).get("caseId").asText();
        List<Message> messages = probe.receive(QUEUE, "CasebridgeCaseId = '" + caseId + "'", 5000);
        assertThat(messages).hasSize(1);
        JsonNode published = mapper.readTree(((TextMessage) messages.get(0)).getText());
        assertThat(schema.violations(published)).isEmpty();
        return published;
    }

    @Test
    void knownTenantArrivesEnrichedOnTheQueue() throws Exception {
        String email = "tenant-" + UUID.randomUUID() + "@example.org";
        HOUSING.stubFor(get(urlPathEqualTo("/customers")).withQueryParam("email", equalTo(email))
                .withHeader("X-Api-Key", equalTo("housing-key")).atPriority(1)
                .willReturn(okJson("{\"customerId\": \"HC-5005\", \"tenancyRef\": \"TEN-5005\", \"propertyRef\": \"PROP-9\", \"flags\": [\"vulnerable\"]}")));

        JsonNode published = postAndReceive(email, null);

        assertThat(published.at("/customer/customerId").asText()).isEqualTo("HC-5005");
        assertThat(published.at("/customer/tenancyRef").asText()).isEqualTo("TEN-5005");
        assertThat(published.at("/customer/propertyRef").asText()).isEqualTo("PROP-9");
        assertThat(published.at("/customer/flags/0").asText()).isEqualTo("vulnerable");
        assertThat(published.at("/customer/enrichment/status").asText()).isEqualTo("enriched");
        assertThat(published.at("/customer/enrichment/source").asText()).isEqualTo("rest:housing");
        assertThat(identities.isVerified("email", email)).isTrue();
    }

    @Test
    void housingSystemDownStillDeliversTheCaseMarkedUnavailable() throws Exception {
        String email = "down-" + UUID.randomUUID() + "@example.org";
        HOUSING.stubFor(get(urlPathEqualTo("/customers")).withQueryParam("email", equalTo(email)).atPriority(1)
                .willReturn(aResponse().withStatus(500)));

        JsonNode published = postAndReceive(email, null);

        assertThat(published.at("/customer/customerId").isNull()).isTrue();
        assertThat(published.at("/customer/enrichment/status").asText()).isEqualTo("unavailable");
        assertThat(published.at("/body/text").asText()).isEqualTo("The tap leaks.");
    }

    @Test
    void operatorsSeeMergeAndUnmergeCustomers() throws Exception {
        String email = "first-" + UUID.randomUUID() + "@example.org";
        String other = "second-" + UUID.randomUUID() + "@example.org";
        JsonNode firstCase = postAndReceive(email, null);
        postAndReceive(other, null);
        String a = identities.customerFor("email", email).orElseThrow();
        String b = identities.customerFor("email", other).orElseThrow();

        Http alice = http.as(TestInfrastructure.ALICE, TestInfrastructure.USER_PASSWORD);
        Http bob = http.as(TestInfrastructure.BOB, TestInfrastructure.USER_PASSWORD);
        HttpResponse<String> shown = alice.get("/api/v1/admin/customers/" + a.toLowerCase(), Map.of());
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        JsonNode customer = mapper.readTree(shown.body());
        assertThat(customer.get("customerId").asText()).isEqualTo(a);
        assertThat(customer.at("/identities/0/address").asText()).isEqualTo(email);
        assertThat(customer.at("/identities/0/verified").asBoolean()).isFalse();
        assertThat(customer.at("/openCases/0").asText()).isEqualTo(firstCase.get("caseId").asText());

        // the audit names the user who logged in, not the "by" a request claims
        HttpResponse<String> merged = post(alice, "/api/v1/admin/customers/" + a + "/merge",
                "{\"from\": \"" + b + "\", \"by\": \"mallory\", \"reason\": \"same tenant, new address\"}");
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        JsonNode merge = mapper.readTree(merged.body());
        assertThat(merge.get("mergedBy").asText()).isEqualTo("alice");
        assertThat(identities.customerFor("email", other)).contains(a);
        JsonNode afterMerge = mapper.readTree(alice.get("/api/v1/admin/customers/" + a, Map.of()).body());
        assertThat(afterMerge.get("identities")).hasSize(2);
        assertThat(afterMerge.at("/merges/0/reason").asText()).isEqualTo("same tenant, new address");

        HttpResponse<String> unmerged = post(bob, "/api/v1/admin/customers/" + a + "/unmerge", "{\"reason\": \"not the same\"}");
        assertThat(unmerged.statusCode()).as(unmerged.body()).isEqualTo(200);
        assertThat(mapper.readTree(unmerged.body()).get("unmergedBy").asText()).isEqualTo("bob");
        assertThat(identities.customerFor("email", other)).contains(b);
    }

    @Test
    void adminApiAnswersMistakesWithProblems() throws Exception {
        Http admin = http.asAdmin();
        HttpResponse<String> missing = admin.get("/api/v1/admin/customers/CU-NOBODY22", Map.of());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(mapper.readTree(missing.body()).get("type").asText()).endsWith("customer-not-found");

        String email = "lonely-" + UUID.randomUUID() + "@example.org";
        postAndReceive(email, null);
        String a = identities.customerFor("email", email).orElseThrow();
        HttpResponse<String> anonymous = post(http, "/api/v1/admin/customers/" + a + "/merge", "{\"from\": \"CU-X\", \"reason\": \"r\"}");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> operator = post(http.as(TestInfrastructure.OPERATOR_USER, TestInfrastructure.USER_PASSWORD),
                "/api/v1/admin/customers/" + a + "/merge", "{\"from\": \"CU-X\", \"reason\": \"r\"}");
        assertThat(operator.statusCode()).as("merging customers is for admins").isEqualTo(403);
        HttpResponse<String> noReason = post(admin, "/api/v1/admin/customers/" + a + "/merge", "{\"from\": \"CU-X\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("reason");
        HttpResponse<String> itself = post(admin, "/api/v1/admin/customers/" + a + "/merge", "{\"from\": \"" + a + "\", \"reason\": \"r\"}");
        assertThat(itself.statusCode()).isEqualTo(409);
        HttpResponse<String> nothingToUndo = post(admin, "/api/v1/admin/customers/" + a + "/unmerge", "{\"reason\": \"r\"}");
        assertThat(nothingToUndo.statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> post(Http http, String path, String json) {
        return http.post(path, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
