package org.casebridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.awaitility.Awaitility;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 under load: a bridge in its own JVM (the default embedded H2 and broker, in one data folder) is killed with
 * SIGKILL while API clients post, and started again on the same folder. Every message that was answered 202 must be a
 * readable case and on casebridge.cases.new, and a client's retry of any request with its Idempotency-Key must answer
 * the same case as before (never a second one).
 */
class IntakeKillFaultTests {

    private static final String API_KEY = "demo-key-change-me";
    private static final String QUEUE = "casebridge.cases.new";
    private static final int CLIENTS = 4;
    private static final int KILL_AFTER = 60;

    private final ObjectMapper mapper = new ObjectMapper();
    private volatile Process bridge;

    @AfterEach
    void stopBridge() throws InterruptedException {
        if (bridge != null && bridge.isAlive()) {
            bridge.destroy();
            if (!bridge.waitFor(20, TimeUnit.SECONDS)) {
                bridge.destroyForcibly();
            }
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesKillNine() throws Exception {
        TestInfrastructure.Ports ports = TestInfrastructure.allocate("kill9");
        int httpPort = TestInfrastructure.freePort();
        Http http = new Http(httpPort);

        bridge = start(ports, httpPort, "first");
        awaitUp(http);

        // key -> the answer's caseId and messageId (202), or null (no answer: the request died with the bridge)
        Map<String, String[]> acknowledged = new ConcurrentHashMap<>();
        Set<String> unanswered = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = "kill9-" + client + "-" + i + "-" + UUID.randomUUID();
                    try {
                        HttpResponse<String> answer = http.post("/api/v1/messages", "application/json", body(key),
                                Map.of("X-Api-Key", API_KEY, "Idempotency-Key", key));
                        if (answer.statusCode() == 202) {
                            JsonNode json = mapper.readTree(answer.body());
                            acknowledged.put(key, new String[]{json.get("caseId").asText(), json.get("messageId").asText()});
                            if (acknowledged.size() >= KILL_AFTER && killed.compareAndSet(false, true)) {
                                // SIGKILL the moment a 202 arrives: its commits are milliseconds old, so a database
                                // that flushes commits later (H2's default WRITE_DELAY of 500 ms) loses them
                                bridge.destroyForcibly();
                            }
                        } else {
                            unanswered.add(key);
                        }
                    } catch (Exception refused) {
                        // the bridge is gone: this request is retried after the restart, as a client would
                        unanswered.add(key);
                        return;
                    }
                }
            });
        }
        Awaitility.await("some messages accepted, then the kill").atMost(Duration.ofSeconds(60)).untilTrue(killed);
        assertThat(bridge.waitFor(10, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(unanswered).isNotEmpty(); // the kill really hit requests in flight

        bridge = start(ports, httpPort, "second");
        awaitUp(http);

        // every 202 is a readable case
        for (Map.Entry<String, String[]> entry : acknowledged.entrySet()) {
            HttpResponse<String> view = http.get("/api/v1/cases/" + entry.getValue()[0], Map.of("X-Api-Key", API_KEY));
            assertThat(view.statusCode()).as("case %s of key %s", entry.getValue()[0], entry.getKey()).isEqualTo(200);
        }
        // a retry of an acknowledged request answers the same case; an unanswered one is now accepted, once
        for (Map.Entry<String, String[]> entry : acknowledged.entrySet()) {
            HttpResponse<String> retried = retry(http, entry.getKey());
            assertThat(mapper.readTree(retried.body()).get("caseId").asText()).isEqualTo(entry.getValue()[0]);
        }
        Map<String, String> retriedMessages = new ConcurrentHashMap<>();
        for (String key : unanswered) {
            HttpResponse<String> retried = retry(http, key);
            retriedMessages.put(key, mapper.readTree(retried.body()).get("messageId").asText());
            assertThat(mapper.readTree(retry(http, key).body()).get("messageId").asText()).isEqualTo(retriedMessages.get(key));
        }

        // every 202 (before the kill and after it) is on casebridge.cases.new
        Set<String> expected = new HashSet<>();
        acknowledged.values().forEach(ids -> expected.add(ids[1]));
        expected.addAll(retriedMessages.values());
        Set<String> onQueue = new HashSet<>();
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(TestInfrastructure.BACKOFFICE_USER,
                TestInfrastructure.BACKOFFICE_PASSWORD, "tcp://127.0.0.1:" + ports.broker());
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            Awaitility.await("every accepted message on " + QUEUE).atMost(Duration.ofSeconds(20)).until(() -> {
                for (jakarta.jms.Message message = consumer.receive(500); message != null; message = consumer.receive(500)) {
                    onQueue.add(message.getStringProperty("CasebridgeMessageId"));
                }
                return onQueue.containsAll(expected);
            });
        }
    }

    private HttpResponse<String> retry(Http http, String key) {
        // 409 while another attempt's claim on the message holds (a request that died with the first bridge)
        return Awaitility.await("retry of " + key + " accepted").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500))
                .until(() -> http.post("/api/v1/messages", "application/json", body(key), Map.of("X-Api-Key", API_KEY, "Idempotency-Key", key)),
                        answer -> answer.statusCode() == 202);
    }

    private static byte[] body(String key) {
        return ("{\"sender\": {\"email\": \"tenant@example.org\"}, \"text\": \"Message " + key + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The bridge as its own JVM: the test classpath, the repository's config/ and routes/, this test's ports and folder. */
    private static Process start(TestInfrastructure.Ports ports, int httpPort, String run) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.casebridge.CasebridgeApplication");
        command.add("--server.port=" + httpPort);
        // a request that died with the first bridge holds its claim this long; the restarted bridge's sweeper then sends it
        command.add("--casebridge.outbox.claim-timeout=5s");
        TestInfrastructure.properties("kill9", ports).forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = ports.dataDir().resolve("bridge-" + run + ".log");
        return new ProcessBuilder(command).directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitUp(Http http) {
        Awaitility.await("bridge up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> bridge.isAlive() && http.get("/actuator/health", Map.of()).statusCode() == 200);
        assertThat(bridge.isAlive()).isTrue();
    }
}
