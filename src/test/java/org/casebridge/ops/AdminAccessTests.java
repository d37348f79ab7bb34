package org.casebridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin surfaces on the default loopback bind, over real HTTP: a login is needed everywhere (also through a
 * proxy), each role gets what it may, and Jolokia keeps a viewer from writing or running operations.
 */
class AdminAccessTests extends BridgeTest {

    static final List<String> ADMIN_PATHS = List.of("/actuator/hawtio/", "/actuator/jolokia/version",
            "/actuator/jolokia/search/org.apache.camel:*", "/actuator/metrics", "/actuator/prometheus", "/actuator/info",
            "/api/v1/admin/parity", "/api/v1/admin/customers/CU-NOBODY22");

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper mapper;

    Http as(String user) {
        return new Http(port).as(user, user.equals(TestInfrastructure.ADMIN_USER) ? TestInfrastructure.ADMIN_PASSWORD : TestInfrastructure.USER_PASSWORD);
    }

    @Test
    void noAdminPathAnswersWithoutALoginOnLoopbackOrThroughAProxy() {
        Http http = new Http(port);
        for (String path : ADMIN_PATHS) {
            assertThat(http.get(path, Map.of()).statusCode()).as(path).isEqualTo(401);
            assertThat(http.get(path, Map.of("X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https")).statusCode())
                    .as(path + " through a proxy").isEqualTo(401);
            assertThat(http.get(path, Map.of("Authorization", Http.basic(TestInfrastructure.ADMIN_USER, "wrong"))).statusCode())
                    .as(path + " with a wrong password").isEqualTo(401);
        }
        assertThat(http.post("/actuator/jolokia", "application/json",
                "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}".getBytes(StandardCharsets.UTF_8), Map.of())
                .statusCode()).isEqualTo(401);
        assertThat(as(TestInfrastructure.ADMIN_USER).get("/actuator/metrics", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void healthAnswersProbesWithoutALogin() {
        HttpResponse<String> health = new Http(port).get("/actuator/health", Map.of());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    }

    @Test
    void aViewerReadsJolokiaButCannotWriteOrExecute() throws Exception {
        Http viewer = as(TestInfrastructure.VIEWER_USER);
        assertThat(status(viewer.get("/actuator/jolokia/read/java.lang:type=Memory/Verbose", Map.of()))).isEqualTo(200);
        assertThat(status(viewer.get("/actuator/jolokia/exec/java.lang:type=Memory/gc", Map.of()))).isEqualTo(403);
        assertThat(status(viewer.get("/actuator/jolokia/write/java.lang:type=Memory/Verbose/false", Map.of()))).isEqualTo(403);
        // the same as a POST, the way Hawtio sends it
        assertThat(status(viewer.post("/actuator/jolokia", "application/json",
                "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc\"}".getBytes(StandardCharsets.UTF_8), Map.of())))
                .isEqualTo(403);
        assertThat(viewer.post("/api/v1/admin/dlq/casebridge.replies/replay", "application/json", new byte[0], Map.of()).statusCode())
                .isEqualTo(403);
        assertThat(viewer.get("/api/v1/admin/customers/CU-NOBODY22", Map.of()).statusCode()).isEqualTo(403);
    }

    @Test
    void jolokiaGrantsNoOtherSiteACrossOriginRead() {
        Http viewer = as(TestInfrastructure.VIEWER_USER);
        HttpResponse<String> response = viewer.get("/actuator/jolokia/version", Map.of("Origin", "https://evil.example"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(response.body()).doesNotContain("\"agent\"");
        // Hawtio, served by the bridge itself, sends its own origin
        HttpResponse<String> own = viewer.get("/actuator/jolokia/version", Map.of("Origin", "http://127.0.0.1:" + port));
        assertThat(own.body()).contains("\"agent\"");
    }

    @Test
    void anOperatorRunsCamelAndBrokerOperationsOnlyAndAnAdminEverything() throws Exception {
        Http operator = as(TestInfrastructure.OPERATOR_USER);
        assertThat(status(operator.get("/actuator/jolokia/exec/java.lang:type=Memory/gc", Map.of()))).isEqualTo(403);
        assertThat(status(operator.get("/actuator/jolokia/write/java.lang:type=Memory/Verbose/false", Map.of()))).isEqualTo(403);
        Http admin = as(TestInfrastructure.ADMIN_USER);
        assertThat(status(admin.get("/actuator/jolokia/exec/java.lang:type=Memory/gc", Map.of()))).isEqualTo(200);
        // and the fixed policy holds for everyone: no JVM diagnostic commands
        assertThat(status(admin.get("/actuator/jolokia/exec/com.sun.management:type=DiagnosticCommand/vmVersion", Map.of())))
                .isEqualTo(403);
    }

    @Test
    void aStateChangeAFormCouldForgeNeedsTheCsrfToken() {
        Http operator = as(TestInfrastructure.OPERATOR_USER);
        // text/plain (or no body) is what a cross-site form or no-cors fetch can send: refused without the token
        HttpResponse<String> forged = operator.post("/api/v1/admin/dlq/casebridge.replies/replay", "text/plain", new byte[0], Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> page = operator.get("/actuator/info", Map.of());
        String token = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';'))).findFirst().orElseThrow();
        HttpResponse<String> withToken = operator.post("/api/v1/admin/dlq/casebridge.replies/replay", "text/plain", new byte[0],
                Map.of("Cookie", "XSRF-TOKEN=" + token, "X-XSRF-TOKEN", token));
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
    }

    @Test
    void theExampleKeysAndTheDemoPageAreRefusedThroughAProxy() {
        Http http = new Http(port);
        byte[] body = "{\"sender\": {\"email\": \"a@example.org\"}, \"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, String> proxy : Map.of("Forwarded", "for=203.0.113.9;proto=https", "X-Forwarded-For", "203.0.113.9",
                "X-Forwarded-Host", "casebridge.example.org").entrySet()) {
            HttpResponse<String> viaProxy = http.post("/api/v1/messages", "application/json", body,
                    Map.of("X-Api-Key", API_KEY, proxy.getKey(), proxy.getValue()));
            assertThat(viaProxy.statusCode()).as(proxy.getKey()).isEqualTo(401);
            assertThat(viaProxy.body()).contains("example-key");
            assertThat(http.get("/webchat/demo.html", Map.of(proxy.getKey(), proxy.getValue())).statusCode()).as(proxy.getKey()).isEqualTo(404);
        }
        assertThat(http.get("/webchat/demo.html", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void aGeneratedAdminPasswordIsKeptHashedAndReadOwnerOnly() throws Exception {
        Path dataDir = TestInfrastructure.tempDir("generated-admin");
        CasebridgeProperties properties = new CasebridgeProperties();
        properties.setDataDir(dataDir);
        ServerProperties loopback = new ServerProperties();
        loopback.setAddress(InetAddress.getLoopbackAddress());
        var first = new SecurityConfiguration().administrators(properties, loopback).loadUserByUsername("admin");
        Path file = dataDir.resolve("secrets").resolve("admin.password");
        String stored = Files.readString(file).strip();
        assertThat(stored).startsWith("{bcrypt}").isEqualTo(first.getPassword());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // the next start reads it back instead of making a new one
        var second = new SecurityConfiguration().administrators(properties, loopback).loadUserByUsername("admin");
        assertThat(second.getPassword()).isEqualTo(stored);
        assertThat(PasswordEncoderFactories.createDelegatingPasswordEncoder().upgradeEncoding(stored)).isFalse();
    }

    private int status(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isIn(200, 403);
        if (response.statusCode() == 403) {
            return 403;
        }
        JsonNode body = mapper.readTree(response.body());
        return body.path("status").asInt();
    }
}
