package org.casebridge.faults;

import org.awaitility.Awaitility;
import org.casebridge.support.EmbeddedPostgresServer;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.casebridge.support.faults.ApiLoad;
import org.casebridge.support.faults.BridgeProcess;
import org.casebridge.support.faults.BrokerProcess;
import org.casebridge.support.faults.Invariants;
import org.casebridge.support.faults.KillPoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a bridge at a chosen point of the API intake, on PostgreSQL and a broker in its own process: the bridge
 * halts itself there (a test-only kill point, as abrupt as SIGKILL) under load from API clients, and is started again.
 * Every 202 is a readable case on casebridge.cases.new, every request retried with its key is one message, and the
 * outbox holds nothing afterwards.
 */
class KillPointFaultTests {

    private static EmbeddedPostgresServer database;
    private static BrokerProcess broker;

    @BeforeAll
    static void infrastructure() {
        database = EmbeddedPostgresServer.start();
        broker = new BrokerProcess(TestInfrastructure.tempDir("faults-broker"), TestInfrastructure.freePort()).start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {KillPoints.AFTER_INSERT, KillPoints.DURING_PUBLISH})
    void everyAcknowledgedMessageSurvivesAKillAt(String killPoint) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess("kill", broker, database)
                .with("casebridge.faults.kill-at", killPoint).with("casebridge.faults.kill-after", 40)) {
            bridge.start();
            Http http = bridge.http();
            Map<String, ApiLoad.Ack> acknowledged;
            Set<String> unanswered;
            try (ApiLoad load = new ApiLoad("kill", 4, () -> http)) {
                bridge.awaitHalted(Duration.ofSeconds(90));
                assertThat(bridge.exitValue()).isEqualTo(137);
                load.close();
                acknowledged = new HashMap<>(load.acknowledged());
                unanswered = new HashSet<>(load.unanswered());
            }
            assertThat(unanswered).as("the kill hit requests in flight").isNotEmpty();

            bridge.without("casebridge.faults.kill-at").start();
            Invariants invariants = new Invariants(database.jdbcUrl(), broker);
            invariants.everyCaseReadable(http, acknowledged.values().stream().map(ApiLoad.Ack::caseId).toList());
            // a client's retry of an acknowledged request answers the same case, and an unanswered one is accepted once
            {
                for (Map.Entry<String, ApiLoad.Ack> entry : acknowledged.entrySet()) {
                    assertThat(ApiLoad.retry(http, entry.getKey())).isEqualTo(entry.getValue());
                }
                Set<String> expected = new HashSet<>();
                acknowledged.values().forEach(ack -> expected.add(ack.messageId()));
                for (String key : unanswered) {
                    ApiLoad.Ack ack = ApiLoad.retry(http, key);
                    assertThat(ApiLoad.retry(http, key)).isEqualTo(ack);
                    expected.add(ack.messageId());
                }
                Set<String> keys = new HashSet<>(acknowledged.keySet());
                keys.addAll(unanswered);
                invariants.eachStoredOnce(keys.stream().map(ApiLoad::text).toList());
                invariants.noExternalIdTwice();
                invariants.outboxDrained(Duration.ofSeconds(30));
                invariants.drain("casebridge.cases.new", expected, Duration.ofSeconds(30));
            }
        }
    }
}
