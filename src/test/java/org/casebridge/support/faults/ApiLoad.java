package org.casebridge.support.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.casebridge.support.Http;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * API clients posting unique messages, each with its own Idempotency-Key, to whichever bridge {@code target} names,
 * until stopped: what was acknowledged (202: the case and message ids) and what was not answered; a client whose
 * request fails moves on to a fresh key, as a client would after giving up (the failed key is retried later).
 */
public final class ApiLoad implements AutoCloseable {

    public static final String API_KEY = "demo-key-change-me";

    /** The answer of an acknowledged request. */
    public record Ack(String caseId, String messageId) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<String, Ack> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService clients;

    public ApiLoad(String label, int count, Supplier<Http> target) {
        clients = Executors.newFixedThreadPool(count);
        for (int c = 0; c < count; c++) {
            int client = c;
            clients.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = label + "-" + client + "-" + i + "-" + UUID.randomUUID();
                    try {
                        HttpResponse<String> answer = post(target.get(), key);
                        if (answer.statusCode() == 202) {
                            JsonNode json = MAPPER.readTree(answer.body());
                            acknowledged.put(key, new Ack(json.get("caseId").asText(), json.get("messageId").asText()));
                        } else {
                            unanswered.add(key);
                        }
                    } catch (Exception refused) {
                        unanswered.add(key);
                        Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true); // no tight loop on a dead bridge
                    }
                }
            });
        }
    }

    public Map<String, Ack> acknowledged() {
        return acknowledged;
    }

    public Set<String> unanswered() {
        return unanswered;
    }

    /** The text each message carries: unique per key, so the database can be searched for it. */
    public static String text(String key) {
        return "Message " + key;
    }

    public static HttpResponse<String> post(Http http, String key) {
        byte[] body = ("{\"sender\": {\"email\": \"tenant@example.org\"}, \"text\": \"" + text(key) + "\"}").getBytes(StandardCharsets.UTF_8);
        return http.post("/api/v1/messages", "application/json", body, Map.of("X-Api-Key", API_KEY, "Idempotency-Key", key));
    }

    /** Retries {@code key} until it is accepted (409 while another attempt's claim holds); returns its ids. */
    public static Ack retry(Http http, String key) throws Exception {
        HttpResponse<String> answer = Awaitility.await("retry of " + key).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> post(http, key), response -> response.statusCode() == 202);
        JsonNode json = MAPPER.readTree(answer.body());
        return new Ack(json.get("caseId").asText(), json.get("messageId").asText());
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        clients.shutdown();
        if (!clients.awaitTermination(60, TimeUnit.SECONDS)) {
            clients.shutdownNow();
        }
    }
}
