package org.casebridge.ops;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.awaitility.Awaitility;
import org.casebridge.CasebridgeApplication;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two bridges on one database and one broker: only the elected leader reads the mailbox (and the housing export
 * folder); when the leader stops, or dies without a word, the other takes over within 15 s, and the mail that arrived
 * meanwhile becomes exactly one case.
 */
class SingletonInstancesTests extends BridgeTest {

    private static final List<String> SINGLETONS = List.of("email-inbox-to-case", "housing-export-to-status-updates");

    @Autowired
    BrokerService broker;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;
    @Autowired
    SingletonRoutes singletons;
    @Autowired
    LockRegistryLeaderInitiator initiator;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void onlyTheLeaderReadsTheMailboxAndAnotherInstanceTakesOverWhenItStops() throws Exception {
        awaitLeader(singletons, Duration.ofSeconds(15));
        try (ConfigurableApplicationContext b = startInstanceB()) {
            SingletonRoutes singletonsB = b.getBean(SingletonRoutes.class);
            CamelContext camelB = b.getBean(CamelContext.class);
            assertThat(singletonsB.isLeader()).isFalse();
            assertStopped(camelB);
            // a follower is still a healthy, ready instance: it serves HTTP and the queues
            assertThat(new Http(b.getEnvironment().getProperty("local.server.port", Integer.class)).get("/actuator/health/readiness", Map.of())
                    .statusCode()).isEqualTo(200);
            assertOneCase(send("Read by the leader"));

            // A steps down: B is elected and reads the mailbox; A's mailbox route stops
            initiator.stop();
            awaitLeader(singletonsB, Duration.ofSeconds(15));
            assertThat(singletons.isLeader()).isFalse();
            assertStopped(camel);
            assertOneCase(send("Read by B"));

            // A stands by again; B goes away (a graceful stop releases the lock) with a mail just arrived
            initiator.start();
            b.close();
            String arrivedMeanwhile = send("Arrived while B stopped");
            awaitLeader(singletons, Duration.ofSeconds(15));
            assertOneCase(arrivedMeanwhile);
        }
    }

    @Test
    void aLeaderKilledWithoutReleasingItsLockIsReplacedWithinFifteenSeconds() throws Exception {
        awaitLeader(singletons, Duration.ofSeconds(15));
        initiator.stop();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !singletons.isLeader());
        // what a kill -9 leaves behind: the lock row of an instance that no longer renews it
        DefaultLockRepository dead = new DefaultLockRepository(dataSource, UUID.randomUUID().toString());
        dead.setRegion("casebridge");
        dead.setTimeToLive(10_000);
        dead.setTransactionManager(transactions);
        dead.afterPropertiesSet();
        dead.afterSingletonsInstantiated();
        assertThat(dead.acquire(UUIDConverter.getUUID(LeaderElectionConfiguration.ROLE).toString())).isTrue();

        initiator.start();
        String arrivedMeanwhile = send("Arrived while the leader was dead");
        assertThat(singletons.isLeader()).as("the dead leader's lock is still valid").isFalse();
        awaitLeader(singletons, Duration.ofSeconds(15));
        assertOneCase(arrivedMeanwhile);
    }

    private ConfigurableApplicationContext startInstanceB() throws Exception {
        int port = TestInfrastructure.freePort();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("server.port", port);
        // the same database (H2 in the shared data folder), the same broker and mail server as instance A
        settings.put("casebridge.data-dir", infrastructure.dataDir().toString());
        settings.put("casebridge.broker.url", new BrokerProbe(broker).url());
        settings.put("casebridge.broker.username", TestInfrastructure.BROKER_USER);
        settings.put("casebridge.broker.password", TestInfrastructure.BROKER_PASSWORD);
        settings.put("casebridge.email.sandbox.enabled", false);
        settings.put("CASEBRIDGE_MAIL_PORT", infrastructure.imap());
        settings.put("CASEBRIDGE_SMTP_PORT", infrastructure.smtp());
        settings.put("camel.main.name", "casebridge-singleton-b-" + port);
        settings.put("spring.jmx.unique-names", true);
        settings.put("camel.main.routes-reload-enabled", false);
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(CasebridgeApplication.class).run(args);
    }

    private static void awaitLeader(SingletonRoutes candidate, Duration within) {
        Awaitility.await("leader elected").atMost(within).pollInterval(Duration.ofMillis(100)).until(candidate::isLeader);
    }

    private static void assertStopped(CamelContext context) {
        for (String id : SINGLETONS) {
            assertThat(context.getRouteController().getRouteStatus(id)).as(id).isNotEqualTo(ServiceStatus.Started);
        }
    }

    /** The mail became exactly one inbound message (one case), whichever instance read it. */
    private void assertOneCase(String messageId) {
        String externalId = ThreadIndex.normaliseRef(messageId);
        Awaitility.await(messageId + " became a case").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForObject("select count(*) from cb_message where external_id = ? and delivery_state = 'published'",
                        Integer.class, externalId) > 0);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class, externalId)).isEqualTo(1);
    }

    private String send(String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(infrastructure.smtp()));
        String messageId = "<" + UUID.randomUUID() + "@tenant.example.org>";
        MimeMessage message = new MimeMessage(Session.getInstance(props)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(new InternetAddress("tenant@example.org"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("support@casebridge.local"));
        message.setSubject(subject, "UTF-8");
        message.setText("Please have a look.", "UTF-8");
        Transport.send(message);
        return messageId;
    }
}
