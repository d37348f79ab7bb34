package org.casebridge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.awaitility.Awaitility;
import org.casebridge.support.EmbeddedPostgresServer;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.casebridge.support.faults.ApiLoad;
import org.casebridge.support.faults.BridgeProcess;
import org.casebridge.support.faults.BrokerProcess;
import org.casebridge.support.faults.Invariants;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak run of issue 12 (not part of {@code verify}: its name matches none of surefire's default includes; run by
 * {@code -Psoak}, started by bench/soak.sh): two bridges on one PostgreSQL and one broker process take COUNT mixed
 * messages (API posts, some retried by their Idempotency-Key; signed Telegram webhook calls, some delivered twice as
 * Telegram does) while one bridge is killed with SIGKILL every KILL_EVERY and started again. It then reports
 * acknowledged, lost, duplicated and stuck counts, each kill's recovery times and the throughput, and fails unless
 * lost, duplicated and stuck are 0.
 */
class SoakRun {

    private static final String SECRET = "soak-telegram-secret";
    private static final String TOKEN = "123456:soak";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern API_TEXT = Pattern.compile("Message (soak-[0-9a-f-]+)");

    private final int count = Integer.getInteger("soak.count", 10_000);
    private final Duration killEvery = Duration.parse("PT" + System.getProperty("soak.kill-every", "30s").toUpperCase());
    private final int bridgeCount = Integer.getInteger("soak.bridges", 2);
    private final int clientCount = Integer.getInteger("soak.clients", 8);

    /** API: key -> answer; Telegram: update id -> answered. */
    private final Map<String, ApiLoad.Ack> apiAcks = new ConcurrentHashMap<>();
    private final Set<Long> telegramAcks = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> apiUnanswered = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> telegramUnanswered = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger keyRetries = new AtomicInteger();
    private final AtomicInteger platformDuplicates = new AtomicInteger();
    private final AtomicInteger duplicateAnswers = new AtomicInteger();
    private final AtomicLong nextUpdate = new AtomicLong(1);
    private final Map<Long, Long> updateUser = new ConcurrentHashMap<>();

    @Test
    void mixedTrafficThroughTwoBridgesWithAKillEveryInterval() throws Exception {
        WireMockServer telegram = new WireMockServer(options().dynamicPort());
        telegram.start();
        telegram.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"result\":{\"message_id\":1,\"date\":1700000000,\"chat\":{\"id\":1,\"type\":\"private\"},\"text\":\"ok\"}}")));
        try (EmbeddedPostgresServer database = EmbeddedPostgresServer.start();
             BrokerProcess broker = new BrokerProcess(TestInfrastructure.tempDir("soak-broker"), TestInfrastructure.freePort()).start()) {
            List<BridgeProcess> bridges = new ArrayList<>();
            for (int b = 0; b < bridgeCount; b++) {
                bridges.add(new BridgeProcess("soak" + b, broker, database)
                        .with("casebridge.channels.telegram.enabled", true)
                        .with("casebridge.channels.telegram.bot-token", TOKEN)
                        .with("casebridge.channels.telegram.secret-token", SECRET)
                        .with("casebridge.channels.telegram.bot-username", "soak_bot")
                        .with("casebridge.channels.telegram.api-base-url", telegram.baseUrl()));
            }
            try {
                bridges.parallelStream().forEach(BridgeProcess::start);
                run(bridges, database, broker);
            } finally {
                for (BridgeProcess bridge : bridges) {
                    bridge.close();
                }
                telegram.stop();
            }
        }
    }

    private void run(List<BridgeProcess> bridges, EmbeddedPostgresServer database, BrokerProcess broker) throws Exception {
        List<String> recoveries = new ArrayList<>();
        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(clientCount);
        for (int c = 0; c < clientCount; c++) {
            clients.submit(() -> {
                while (sent.incrementAndGet() <= count) {
                    BridgeProcess target = alive(bridges);
                    if (ThreadLocalRandom.current().nextInt(10) < 7) {
                        api(target, bridges);
                    } else {
                        telegram(target, bridges);
                    }
                }
            });
        }
        clients.shutdown();
        // one bridge is killed every interval, in turn, and started again; what went unanswered is then retried
        int victim = 0;
        while (!clients.awaitTermination(killEvery.toMillis(), TimeUnit.MILLISECONDS)) {
            int index = victim++ % bridges.size();
            BridgeProcess bridge = bridges.get(index);
            long killedAt = System.nanoTime();
            bridge.kill();
            long restartAt = System.nanoTime();
            bridge.start();
            long healthyAt = System.nanoTime();
            int retried = retryUnanswered(bridge.http());
            long answeredAt = System.nanoTime();
            recoveries.add("kill %d (%s): restart to healthy %.1f s, kill until its %d unanswered requests were answered %.1f s"
                    .formatted(recoveries.size() + 1, "soak" + index, (healthyAt - restartAt) / 1e9, retried,
                            (answeredAt - killedAt) / 1e9));
        }
        int retried = retryUnanswered(bridges.get(0).http());
        double seconds = (System.nanoTime() - started) / 1e9;

        // the checks
        Http http = bridges.get(0).http();
        Invariants invariants = new Invariants(database.jdbcUrl(), broker);
        invariants.outboxDrained(Duration.ofSeconds(120));
        int unreadable = 0;
        for (ApiLoad.Ack ack : apiAcks.values()) {
            if (http.get("/api/v1/cases/" + ack.caseId(), Map.of("X-Api-Key", ApiLoad.API_KEY)).statusCode() != 200) {
                unreadable++;
            }
        }
        Map<String, Integer> apiStored = new ConcurrentHashMap<>();
        Map<String, Integer> externalIds = new ConcurrentHashMap<>();
        Set<String> messageIds = new HashSet<>();
        int pending;
        try (var c = DriverManager.getConnection(database.jdbcUrl(), "casebridge", "casebridge")) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select message_id, channel, external_id, payload from cb_message where direction = 'inbound'")) {
                while (rs.next()) {
                    messageIds.add(rs.getString(1));
                    if ("telegram".equals(rs.getString(2))) {
                        externalIds.merge(rs.getString(3), 1, Integer::sum);
                    } else {
                        Matcher m = API_TEXT.matcher(String.valueOf(rs.getString(4)));
                        if (m.find()) {
                            apiStored.merge(m.group(1), 1, Integer::sum);
                        }
                    }
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "select count(*) from cb_message where delivery_state = 'pending' or message_id in (select message_id from cb_outbox)")) {
                rs.next();
                pending = rs.getInt(1);
            }
        }
        long apiLost = apiAcks.keySet().stream().filter(key -> !apiStored.containsKey(key)).count() + unreadable;
        long apiDoubled = apiStored.values().stream().filter(n -> n > 1).count() + duplicateAnswers.get();
        long telegramLost = Math.max(0, telegramAcks.size() - externalIds.size());
        long telegramDoubled = externalIds.values().stream().filter(n -> n > 1).count();
        Map<String, Integer> onQueue = invariants.drain("casebridge.cases.new", messageIds, Duration.ofSeconds(120));
        long notOnQueue = messageIds.stream().filter(id -> !onQueue.containsKey(id)).count();
        long twiceOnQueue = onQueue.values().stream().filter(n -> n > 1).count();

        StringBuilder report = new StringBuilder("\n=== soak: COUNT=%d KILL_EVERY=%s BRIDGES=%d clients=%d ===\n"
                .formatted(count, killEvery, bridges.size(), clientCount));
        report.append("acknowledged: %d (API %d, Telegram updates %d); Idempotency-Key retries %d, platform duplicate deliveries %d, retried after kills %d%n"
                .formatted(apiAcks.size() + telegramAcks.size(), apiAcks.size(), telegramAcks.size(), keyRetries.get(), platformDuplicates.get(), retried));
        report.append("lost: %d (API %d incl. %d unreadable, Telegram %d); not on casebridge.cases.new: %d%n"
                .formatted(apiLost + telegramLost + notOnQueue, apiLost, unreadable, telegramLost, notOnQueue));
        report.append("duplicated: %d (API %d, Telegram %d); on the queue twice (consumers de-duplicate): %d%n"
                .formatted(apiDoubled + telegramDoubled, apiDoubled, telegramDoubled, twiceOnQueue));
        report.append("stuck (pending or in the outbox): %d%n".formatted(pending));
        report.append("throughput: %.1f acknowledged messages/s over %.0f s, kills included%n".formatted((apiAcks.size() + telegramAcks.size()) / seconds, seconds));
        recoveries.forEach(r -> report.append(r).append('\n'));
        System.out.println(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "soak-report.txt"), report);

        assertThat(apiLost + telegramLost + notOnQueue).as("lost").isZero();
        assertThat(apiDoubled + telegramDoubled).as("duplicated").isZero();
        assertThat(pending).as("stuck").isZero();
    }

    private static BridgeProcess other(List<BridgeProcess> bridges, BridgeProcess not) {
        return bridges.stream().filter(b -> b != not && b.isAlive()).findFirst().orElse(not);
    }

    private static BridgeProcess alive(List<BridgeProcess> bridges) {
        List<BridgeProcess> up = bridges.stream().filter(BridgeProcess::isAlive).toList();
        List<BridgeProcess> from = up.isEmpty() ? bridges : up;
        return from.get(ThreadLocalRandom.current().nextInt(from.size()));
    }

    private void api(BridgeProcess first, List<BridgeProcess> bridges) {
        String key = "soak-" + java.util.UUID.randomUUID();
        BridgeProcess target = first;
        try {
            HttpResponse<String> answer;
            try {
                answer = ApiLoad.post(target.http(), key);
            } catch (Exception refused) { // a client retries its key on the other bridge
                keyRetries.incrementAndGet();
                target = other(bridges, target);
                answer = ApiLoad.post(target.http(), key);
            }
            if (answer.statusCode() != 202) {
                apiUnanswered.add(key);
                return;
            }
            JsonNode json = MAPPER.readTree(answer.body());
            ApiLoad.Ack ack = new ApiLoad.Ack(json.get("caseId").asText(), json.get("messageId").asText());
            apiAcks.put(key, ack);
            if (ThreadLocalRandom.current().nextInt(10) == 0) { // a client that did not see the answer retries its key
                keyRetries.incrementAndGet();
                HttpResponse<String> again = ApiLoad.post(target.http(), key);
                if (again.statusCode() == 202) {
                    JsonNode second = MAPPER.readTree(again.body());
                    if (!ack.equals(new ApiLoad.Ack(second.get("caseId").asText(), second.get("messageId").asText()))) {
                        duplicateAnswers.incrementAndGet();
                    }
                }
            }
        } catch (Exception refused) {
            apiUnanswered.add(key);
            pause();
        }
    }

    private void telegram(BridgeProcess target, List<BridgeProcess> bridges) {
        long update = nextUpdate.getAndIncrement();
        updateUser.put(update, ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L));
        if (deliver(target.http(), update) || deliver(other(bridges, target).http(), update)) {
            telegramAcks.add(update);
            if (ThreadLocalRandom.current().nextInt(5) == 0) { // Telegram redelivers an update it thinks unanswered
                platformDuplicates.incrementAndGet();
                deliver(alive(bridges).http(), update);
            }
        } else {
            telegramUnanswered.add(update);
            pause();
        }
    }

    private boolean deliver(Http http, long update) {
        String body = """
                {"update_id": %d, "message": {"message_id": %d, "date": 1700000000,
                  "from": {"id": %d, "is_bot": false, "first_name": "Ann", "last_name": "Tenant"},
                  "chat": {"id": %d, "first_name": "Ann", "last_name": "Tenant", "type": "private"},
                  "text": "Soak update %d"}}
                """.formatted(update, update, updateUser.get(update), updateUser.get(update), update);
        try {
            return http.post("/webhooks/telegram", "application/json", body.getBytes(StandardCharsets.UTF_8),
                    Map.of("X-Telegram-Bot-Api-Secret-Token", SECRET)).statusCode() == 200;
        } catch (Exception refused) {
            return false;
        }
    }

    /** Retries every unanswered request until answered, as a client with its key and Telegram with its update do. */
    private int retryUnanswered(Http http) throws Exception {
        int n = 0;
        for (String key = apiUnanswered.poll(); key != null; key = apiUnanswered.poll(), n++) {
            HttpResponse<String> answer = ApiLoad.post(http, key);
            if (answer.statusCode() == 202) {
                JsonNode json = MAPPER.readTree(answer.body());
                apiAcks.put(key, new ApiLoad.Ack(json.get("caseId").asText(), json.get("messageId").asText()));
            } else {
                apiAcks.put(key, ApiLoad.retry(http, key));
            }
        }
        for (Long update = telegramUnanswered.poll(); update != null; update = telegramUnanswered.poll(), n++) {
            long u = update;
            if (!deliver(http, u)) {
                Awaitility.await("update " + u).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> deliver(http, u));
            }
            telegramAcks.add(u);
        }
        return n;
    }

    private static void pause() {
        Awaitility.await().pollDelay(Duration.ofMillis(200)).until(() -> true); // no tight loop on a dead bridge
    }
}
