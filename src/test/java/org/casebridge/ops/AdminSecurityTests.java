package org.casebridge.ops;

import org.casebridge.support.TestInfrastructure;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

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
@BridgeContext("secure")
@TestPropertySource(properties = {
        "server.address=0.0.0.0",
        "casebridge.admin.username=ops",
        "casebridge.admin.password=correct horse battery staple",
        "CASEBRIDGE_DEMO_API_KEY=a-real-key-for-the-website",
        "CASEBRIDGE_DEMO_BACKOFFICE_KEY=a-real-key-for-the-back-office"
})
class AdminSecurityTests {

    @LocalServerPort
    int port;

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
