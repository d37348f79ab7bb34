package org.casebridge.ops;

import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Off loopback, Hawtio and actuator require the administrator; the API keeps using API keys. */
@CamelSpringBootTest
@DisableJmx(false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=0.0.0.0",
        "casebridge.admin.username=ops",
        "casebridge.admin.password=correct horse battery staple",
        "CASEBRIDGE_DEMO_API_KEY=a-real-key-for-the-website",
        "CASEBRIDGE_DEMO_BACKOFFICE_KEY=a-real-key-for-the-back-office",
        "spring.jmx.unique-names=true"
})
class AdminSecurityTests {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        TestInfrastructure.isolate(registry, "secure");
        // this bridge's own administrator, instead of the test contexts' one
        registry.add("casebridge.admin.username", () -> "ops");
        registry.add("casebridge.admin.password", () -> "correct horse battery staple");
    }

    @Test
    void hawtioAndActuatorRequireTheAdministrator() {
        Http http = new Http(port);
        assertThat(http.get("/actuator/hawtio/", Map.of()).statusCode()).isEqualTo(401);
        assertThat(http.get("/actuator/jolokia/search/org.apache.camel:*", Map.of()).statusCode()).isEqualTo(401);
        assertThat(http.get("/actuator/metrics", Map.of()).statusCode()).isEqualTo(401);
        assertThat(http.get("/api/v1/admin/anything", Map.of()).statusCode()).isEqualTo(401);
        assertThat(http.get("/actuator/hawtio/", Map.of("Authorization", basic("ops", "wrong"))).statusCode()).isEqualTo(401);

        HttpResponse<String> hawtio = http.get("/actuator/hawtio/", Map.of("Authorization", basic("ops", "correct horse battery staple")));
        assertThat(hawtio.statusCode()).isEqualTo(200);
        HttpResponse<String> routes = http.get("/actuator/jolokia/search/org.apache.camel:type=routes,*",
                Map.of("Authorization", basic("ops", "correct horse battery staple")));
        assertThat(routes.body()).contains("webform-api-to-case");
    }

    @Test
    void healthStaysOpenForProbes() {
        HttpResponse<String> health = new Http(port).get("/actuator/health", Map.of());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    }

    @Test
    void apiStillUsesApiKeysNotTheAdministrator() {
        Http http = new Http(port);
        HttpResponse<String> response = http.post("/api/v1/messages", "application/json",
                "{\"sender\": {\"email\": \"a@example.org\"}, \"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("Authorization", basic("ops", "correct horse battery staple")));
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void refusesToStartOffLoopbackWithoutAdminPassword() throws Exception {
        ServerProperties server = new ServerProperties();
        server.setAddress(InetAddress.getByName("0.0.0.0"));
        CasebridgeProperties properties = new CasebridgeProperties();
        assertThatThrownBy(() -> new SecurityConfiguration().administrators(properties, server))
                .hasMessageContaining("casebridge.admin.password");
        ServerProperties loopback = new ServerProperties();
        loopback.setAddress(InetAddress.getLoopbackAddress());
        properties.setDataDir(TestInfrastructure.tempDir("admin-password"));
        assertThat(new SecurityConfiguration().administrators(properties, loopback)).isNotNull();
    }

    @Test
    void refusesToStartOffLoopbackWithTheShippedExampleKeys() throws Exception {
        ServerProperties server = new ServerProperties();
        server.setAddress(InetAddress.getByName("0.0.0.0"));
        CasebridgeProperties properties = new CasebridgeProperties();
        CasebridgeProperties.Client website = new CasebridgeProperties.Client();
        website.setId("demo-website");
        website.setKey("demo-key-change-me");
        properties.getApi().getClients().add(website);
        assertThatThrownBy(() -> new SecurityConfiguration().apiSecurity(null, new ApiClients(properties), null, server))
                .hasMessageContaining("demo-website").hasMessageContaining("example keys");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
