package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An operator goes from a case, or from an address a tenant wrote from, to the customer id (CU-...) over real HTTP. */
class CustomerSearchTests extends BridgeTest {

    private static final String BACKOFFICE_KEY = "backoffice-key-change-me";

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper mapper;

    Http http;
    Http admin;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        admin = http.asAdmin();
    }

    private String caseFrom(String email, String phone) throws Exception {
        String body = """
                {"sender": {"name": "Nadia Okafor", "email": "%s", "phone": "%s"}, "subject": "Boiler", "text": "No hot water."}
                """.formatted(email, phone);
        HttpResponse<String> created = http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", API_KEY));
        assertThat(created.statusCode()).isEqualTo(202);
        return mapper.readTree(created.body()).get("caseId").asText();
    }

    private JsonNode caseView(String caseId) throws Exception {
        HttpResponse<String> response = http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", BACKOFFICE_KEY));
        return response.statusCode() == 200 ? mapper.readTree(response.body()) : null;
    }

    private HttpResponse<String> search(String parameter, String value) {
        return admin.get("/api/v1/admin/customers?" + parameter + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void theCaseNamesItsCustomerAndEitherAddressFindsIt() throws Exception {
        String caseId = caseFrom("Nadia.Okafor@Example.org", "07911 123457");
        await().atMost(Duration.ofSeconds(10)).until(() -> caseView(caseId) != null);

        String customerId = caseView(caseId).get("customerId").asText();
        assertThat(customerId).startsWith("CU-");

        HttpResponse<String> byEmail = search("email", "NADIA.okafor@example.ORG ");
        assertThat(byEmail.statusCode()).isEqualTo(200);
        JsonNode customer = mapper.readTree(byEmail.body());
        assertThat(customer.get("customerId").asText()).isEqualTo(customerId);
        assertThat(customer.get("identities").toString()).contains("nadia.okafor@example.org");

        HttpResponse<String> byNationalPhone = search("phone", "07911 123457");
        assertThat(byNationalPhone.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(byNationalPhone.body()).get("customerId").asText()).isEqualTo(customerId);
        assertThat(mapper.readTree(search("phone", "+447911123457").body()).get("customerId").asText()).isEqualTo(customerId);
    }

    @Test
    void anUnknownAddressIsNotFoundAndTheQueryNeedsExactlyOneAddress() throws Exception {
        HttpResponse<String> unknown = search("email", "nobody-here@example.org");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(mapper.readTree(unknown.body()).get("type").asText()).endsWith("customer-not-found");

        assertThat(admin.get("/api/v1/admin/customers", Map.of()).statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/v1/admin/customers?email=a%40example.org&phone=%2B447911123457", Map.of()).statusCode()).isEqualTo(400);
        assertThat(search("phone", "not a number").statusCode()).isEqualTo(400);
    }

    @Test
    void anApiClientCannotSearchCustomers() {
        assertThat(http.get("/api/v1/admin/customers?email=a%40example.org", Map.of("X-Api-Key", BACKOFFICE_KEY,
                "Authorization", Http.basic("nobody", "wrong"))).statusCode()).isEqualTo(401);
    }
}
