package org.casebridge.channel.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Base of the web chat tests that run the whole bridge: a fixed free port, so the demo site's allowed origins
 * (http://127.0.0.1:${server.port}, as in config/application.yaml) are the bridge's own; one shared context.
 */
@BridgeContext(value = "webchat", webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@TestPropertySource(properties = {
        "casebridge.channels.webchat.poll-interval=100ms",
        // every test calls from 127.0.0.1: the per-address limit is tested on the limiter itself
        "casebridge.channels.webchat.rate-limit.per-address=10000",
        "casebridge.channels.webchat.rate-limit.per-visitor=5"
})
abstract class WebchatBridgeTest {

    static final String SITE = "demo";
    static final String KEY = "demo-site-key";
    static final String BACKOFFICE_KEY = "backoffice-key-change-me";
    static final int PORT = TestInfrastructure.freePort();
    static final String ORIGIN = "http://127.0.0.1:" + PORT;

    /** The data folder and sandbox ports of this context (a second instance shares them). */
    @Autowired
    TestInfrastructure.Ports infrastructure;

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    /** A new visitor's token, from POST /webchat/v1/sessions. */
    static String newVisitor(Http http, ObjectMapper mapper) throws Exception {
        HttpResponse<String> response = http.post("/webchat/v1/sessions", "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(WebchatHeaders.SITE, SITE, WebchatHeaders.KEY, KEY, "Origin", ORIGIN));
        if (response.statusCode() != 201) {
            throw new AssertionError("session: " + response.statusCode() + " " + response.body());
        }
        JsonNode body = mapper.readTree(response.body());
        return body.get("visitorToken").asText();
    }

    /** Posts a visitor message as the widget does. */
    static HttpResponse<String> postMessage(Http http, String token, String json, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(Map.of(WebchatHeaders.SITE, SITE, WebchatHeaders.KEY, KEY, "Origin", ORIGIN));
        if (token != null) {
            headers.put(WebchatHeaders.TOKEN, token);
        }
        headers.putAll(extraHeaders);
        headers.values().removeIf(v -> v == null || v.isEmpty());
        return http.post("/webchat/v1/messages", "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    static String message(String text) {
        return "{\"text\": \"" + text + "\", \"clientMessageId\": \"" + UUID.randomUUID() + "\"}";
    }
}
