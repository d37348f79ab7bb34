package org.casebridge.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.casebridge.cases.CaseSchemaViolationException;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A mail's failures against a real mail server (GreenMail), broker and database: an outage is waited out with the
 * mail left unread, bad data is dead-lettered with the raw mail at once, and a replayed email dead letter becomes
 * exactly one case. The failure is injected in front of the case store ({@code email-to-case}), as the database
 * would throw it.
 */
@BridgeContext("email-outage")
class EmailOutageTests {

    private static final String QUEUE = "casebridge.cases.new";
    private static final String DLQ = "casebridge.email-inbox-to-case.dlq";
    private static final String SUPPORT = "support@casebridge.local";

    @Autowired
    TestInfrastructure.Ports infrastructure;
    @Autowired
    EmailSandbox sandbox;
    @Autowired
    BrokerService broker;
    @Autowired
    CamelContext camel;
    @Autowired
    ObjectMapper mapper;
    @LocalServerPort
    int port;

    /** What the case store throws next, while set. */
    static final AtomicReference<RuntimeException> FAULT = new AtomicReference<>();
    /** How often the store step was reached. */
    static final AtomicInteger ATTEMPTS = new AtomicInteger();
    static volatile boolean advised;
    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
        probe.drain(DLQ);
        FAULT.set(null);
        ATTEMPTS.set(0);
        if (!advised) {
            AdviceWith.adviceWith(camel, "email-to-case", route -> route.weaveByToUri("bean:caseStore?method=recordInbound")
                    .before().process(exchange -> {
                        ATTEMPTS.incrementAndGet();
                        RuntimeException fault = FAULT.get();
                        if (fault != null) {
                            throw fault;
                        }
                    }));
            advised = true;
        }
    }

    @AfterEach
    void clearFault() {
        FAULT.set(null);
    }

    @Test
    void mailIsLeftUnreadThroughADatabaseOutageAndBecomesOneCaseAfterIt() throws Exception {
        FAULT.set(new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection: database is down"));
        String messageId = send("tenant@example.org", "Leaking roof", "Water is coming through the ceiling.");

        // redelivered (1 + outage-redeliveries 3), left in the mailbox, read again after the mailbox's back-off
        await("read again after the outage's redeliveries").atMost(Duration.ofSeconds(30)).until(() -> ATTEMPTS.get() > 4);
        assertThat(isTaken(messageId)).as("not taken while the database is down").isFalse();
        assertThat(probe.count(DLQ, null)).as("not dead-lettered").isZero();

        FAULT.set(null);
        JsonNode value = awaitCase(messageId);
        assertThat(value.get("subject").asText()).isEqualTo("Leaking roof");
        await("marked taken").atMost(Duration.ofSeconds(10)).until(() -> isTaken(messageId));
        assertThat(probe.count(DLQ, null)).isZero();
        assertThat(casesFor(messageId, 1000)).as("no second case").isEmpty();
    }

    @Test
    void replayedEmailDeadLetterBecomesExactlyOneCase() throws Exception {
        FAULT.set(new CaseSchemaViolationException(List.of("$.customer: required")));
        String messageId = send("amira@example.org", "Broken window", "The bedroom window does not close.");

        await("dead-lettered").atMost(Duration.ofSeconds(20)).until(() -> probe.count(DLQ, null) == 1);
        List<jakarta.jms.Message> dead = browse(DLQ);
        assertThat(dead).hasSize(1);
        assertThat(ATTEMPTS.get()).as("bad data is not redelivered").isEqualTo(1);
        assertThat(dead.get(0)).isInstanceOf(BytesMessage.class);
        BytesMessage raw = (BytesMessage) dead.get(0);
        byte[] bytes = new byte[(int) raw.getBodyLength()];
        raw.readBytes(bytes);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).as("the raw mail is kept").contains(messageId).contains("Broken window");
        assertThat(raw.getStringProperty("CasebridgeFailureException")).isEqualTo(CaseSchemaViolationException.class.getName());
        await("marked taken once dead-lettered").atMost(Duration.ofSeconds(10)).until(() -> isTaken(messageId));
        assertThat(casesFor(messageId, 500)).isEmpty();

        FAULT.set(null);
        Http http = new Http(port).as(TestInfrastructure.OPERATOR_USER, TestInfrastructure.USER_PASSWORD);
        HttpResponse<String> replay = http.post("/api/v1/admin/dlq/casebridge.email-inbox-to-case/replay", "application/json", new byte[0], Map.of());
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(mapper.readTree(replay.body()).get("moved").asInt()).isEqualTo(1);

        JsonNode value = awaitCase(messageId);
        assertThat(value.get("subject").asText()).isEqualTo("Broken window");
        assertThat(value.at("/customer/email").asText()).isEqualTo("amira@example.org");
        assertThat(casesFor(messageId, 1000)).as("exactly one case").isEmpty();
        assertThat(probe.count(DLQ, null)).isZero();
        assertThat(probe.count("casebridge.email-inbox-to-case", null)).as("the replay was consumed").isZero();
    }

    /** The queue's messages, left on it (the replay moves them afterwards). */
    private List<jakarta.jms.Message> browse(String queue) throws Exception {
        try (jakarta.jms.Connection connection = new org.apache.activemq.ActiveMQConnectionFactory(TestInfrastructure.BROKER_USER,
                TestInfrastructure.BROKER_PASSWORD, probe.url()).createConnection()) {
            connection.start();
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            try (jakarta.jms.QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                return java.util.Collections.list(browser.getEnumeration()).stream().map(jakarta.jms.Message.class::cast).toList();
            }
        }
    }

    private JsonNode awaitCase(String messageId) throws Exception {
        for (int attempt = 0; attempt < 30; attempt++) {
            List<JsonNode> found = casesFor(messageId, 1000);
            if (!found.isEmpty()) {
                assertThat(found).as("published once").hasSize(1);
                return found.get(0);
            }
        }
        throw new AssertionError("no case for " + messageId);
    }

    private List<JsonNode> casesFor(String messageId, long waitMs) throws Exception {
        String externalId = ThreadIndex.normaliseRef(messageId);
        List<JsonNode> found = new ArrayList<>();
        for (jakarta.jms.Message m : probe.receive(QUEUE, "CasebridgeChannel = 'email'", waitMs)) {
            JsonNode json = mapper.readTree(((TextMessage) m).getText());
            if (externalId.equals(json.at("/source/externalId").asText())) {
                found.add(json);
            }
        }
        return found;
    }

    private String send(String from, String subject, String text) throws Exception {
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
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(SUPPORT));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        Transport.send(message);
        return messageId;
    }

    /** Taken by the bridge: its own keyword (the default after-processing leaves \\Seen to staff). */
    private boolean isTaken(String messageId) throws Exception {
        for (MimeMessage m : sandbox.greenMail().getReceivedMessagesForDomain("casebridge.local")) {
            if (messageId.equals(m.getMessageID())) {
                return m.getFlags().contains(MailboxConsumer.TAKEN_KEYWORD);
            }
        }
        return false;
    }
}
