package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.activemq.broker.BrokerService;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A CRM that keeps failing is no longer called once the circuit breaker opens; the message dead-letters with that reason. */
@BridgeContext("circuit")
@TestPropertySource(properties = {
        "casebridge.errors.maximum-redelivery-delay=50",
        "casebridge.errors.maximum-redeliveries=5",
        "casebridge.backoffice.enabled=true",
        "casebridge.backoffice.targets=crm",
        "camel.main.routes-include-pattern=file:routes/*.yaml,file:routes/examples/case-to-crm.yaml",
        "casebridge.backoffice.crm.circuit-breaker.minimum-number-of-calls=2",
        "casebridge.backoffice.crm.circuit-breaker.failure-rate-threshold=50",
        "casebridge.backoffice.crm.circuit-breaker.wait-duration=60"
})
class CrmCircuitBreakerTests {

    private static final WireMockServer CRM = new WireMockServer(wireMockConfig().dynamicPort());

    static {
        CRM.start();
        CRM.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(503).withBody("maintenance")));
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
    ObjectMapper mapper;

    @Test
    void stopsCallingAFailingCrmAndDeadLettersWithTheOpenCircuitAsReason() throws Exception {
        HttpResponse<String> response = new Http(port).post("/api/v1/messages", "application/json",
                "{\"sender\": {\"email\": \"a@example.org\"}, \"text\": \"The lift is broken.\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "demo-key-change-me"));
        assertThat(response.statusCode()).isEqualTo(202);
        String caseId = mapper.readTree(response.body()).get("caseId").asText();

        BrokerProbe probe = new BrokerProbe(broker);
        String selector = "CasebridgeCaseId = '" + caseId + "'";
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.count("casebridge.delivery.crm.dlq", selector) == 1);
        // six attempts (1 + 5 redeliveries), but after two failures the circuit is open: the CRM saw two calls only
        assertThat(CRM.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
        String reason = probe.receive("casebridge.delivery.crm.dlq", selector, 1000).get(0).getStringProperty("CasebridgeFailureReason");
        assertThat(reason).contains("CircuitBreaker").contains("OPEN");
    }
}
