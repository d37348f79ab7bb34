package org.casebridge.faults;

import org.awaitility.Awaitility;
import org.casebridge.support.EmbeddedPostgresServer;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.casebridge.support.faults.ApiLoad;
import org.casebridge.support.faults.BridgeProcess;
import org.casebridge.support.faults.BrokerProcess;
import org.casebridge.support.faults.Invariants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker misbehaves under load, on PostgreSQL and a broker in its own process: it is killed and restarted on the
 * same store, or frozen (SIGSTOP) so that its acknowledgements come after the bridge's send timeout (an ambiguous
 * send: the message may be on the queue). Either way every 202 is a readable case on casebridge.cases.new, every key
 * is one message (never a second case), and the outbox empties.
 */
class BrokerFaultTests {

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

    @Test
    void aBrokerRestartUnderLoadLosesAndDoublesNothing() throws Exception {
        try (BridgeProcess bridge = new BridgeProcess("restart", broker, database).start()) {
            runThrough(bridge, () -> {
                broker.kill();
                broker.start();
            });
        }
    }

    @Test
    void aFrozenBrokerWhoseAcksArriveAfterTheSendTimeoutOpensNoSecondCase() throws Exception {
        try (BridgeProcess bridge = new BridgeProcess("frozen", broker, database).with("casebridge.broker.send-timeout", "2s").start()) {
            runThrough(bridge, () -> {
                broker.freeze();
                try {
                    // longer than send-timeout x (1 + broker-redeliveries): requests in flight are answered 503
                    Awaitility.await().pollDelay(Duration.ofSeconds(8)).until(() -> true);
                } finally {
                    broker.thaw();
                }
            });
        }
    }

    interface Fault {
        void apply() throws Exception;
    }

    private void runThrough(BridgeProcess bridge, Fault fault) throws Exception {
        Http http = bridge.http();
        Map<String, ApiLoad.Ack> acknowledged;
        Set<String> unanswered;
        try (ApiLoad load = new ApiLoad("broker", 4, () -> http)) {
            Awaitility.await("load running").atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() >= 30);
            fault.apply();
            int before = load.acknowledged().size();
            Awaitility.await("accepting again").atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() >= before + 30);
            load.close();
            acknowledged = new HashMap<>(load.acknowledged());
            unanswered = new HashSet<>(load.unanswered());
        }
        assertThat(bridge.isAlive()).isTrue();
        Invariants invariants = new Invariants(database.jdbcUrl(), broker);
        invariants.everyCaseReadable(http, acknowledged.values().stream().map(ApiLoad.Ack::caseId).toList());
        Set<String> expected = new HashSet<>();
        for (Map.Entry<String, ApiLoad.Ack> entry : acknowledged.entrySet()) {
            assertThat(ApiLoad.retry(http, entry.getKey())).isEqualTo(entry.getValue());
            expected.add(entry.getValue().messageId());
        }
        for (String key : unanswered) {
            ApiLoad.Ack ack = ApiLoad.retry(http, key);
            assertThat(ApiLoad.retry(http, key)).isEqualTo(ack);
            expected.add(ack.messageId());
        }
        Set<String> keys = new HashSet<>(acknowledged.keySet());
        keys.addAll(unanswered);
        invariants.eachStoredOnce(keys.stream().map(ApiLoad::text).toList());
        invariants.noExternalIdTwice();
        invariants.outboxDrained(Duration.ofSeconds(60));
        invariants.drain("casebridge.cases.new", expected, Duration.ofSeconds(30));
    }
}
