package org.casebridge.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContext;
import org.apache.activemq.broker.TransportConnector;
import org.awaitility.Awaitility;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The email channel against a real mail server (the sandbox GreenMail) and the real broker and database. */
class EmailInboxTests extends BridgeTest {

    private static final String QUEUE = "casebridge.cases.new";
    private static final String SUPPORT = "support@casebridge.local";

    @Autowired
    EmailSandbox sandbox;
    @Autowired
    BrokerService broker;
    @Autowired
    CaseSchema schema;
    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CamelContext camel;

    BrokerProbe probe;

    @BeforeEach
    void setUp() throws Exception {
        probe = new BrokerProbe(broker);
        probe.drain(QUEUE);
    }

    private GreenMail greenMail() {
        return sandbox.greenMail();
    }

    private String send(String from, String subject, String text, String inReplyTo, String... extraHeaders) throws Exception {
        return sendTo(SUPPORT, from, subject, text, inReplyTo, extraHeaders);
    }

    private String sendTo(String to, String from, String subject, String text, String inReplyTo, String... extraHeaders) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(infrastructure.smtp()));
        Session session = Session.getInstance(props);
        String messageId = "<" + UUID.randomUUID() + "@tenant.example.org>";
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        message.setText(text, "UTF-8");
        if (inReplyTo != null) {
            message.setHeader("In-Reply-To", inReplyTo);
            message.setHeader("References", inReplyTo);
        }
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            message.setHeader(extraHeaders[i], extraHeaders[i + 1]);
        }
        Transport.send(message);
        return messageId;
    }

    /** Receives the queue's email cases until the one for {@code messageId} has come; fails if it comes twice. */
    private JsonNode awaitCase(String messageId) throws Exception {
        String externalId = ThreadIndex.normaliseRef(messageId);
        JsonNode found = null;
        for (int attempt = 0; attempt < 30 && found == null; attempt++) {
            for (jakarta.jms.Message m : probe.receive(QUEUE, "CasebridgeChannel = 'email'", 1000)) {
                JsonNode json = mapper.readTree(((TextMessage) m).getText());
                if (externalId.equals(json.at("/source/externalId").asText())) {
                    assertThat(found).as("published once").isNull();
                    assertThat(schema.violations(json)).isEmpty();
                    found = json;
                }
            }
        }
        if (found == null) {
            throw new AssertionError("no case for " + messageId);
        }
        return found;
    }

    @Test
    void mailBecomesCaseAndIsMarkedTakenOnlyAfterwardsLeavingSeenToStaff() throws Exception {
        String messageId = send("Amira Hassan <amira@example.org>", "Boiler broken", "No hot water since yesterday.", null);

        JsonNode value = awaitCase(messageId);

        assertThat(value.get("channel").asText()).isEqualTo("email");
        assertThat(value.at("/customer/email").asText()).isEqualTo("amira@example.org");
        assertThat(value.at("/customer/displayName").asText()).isEqualTo("Amira Hassan");
        assertThat(value.get("subject").asText()).isEqualTo("Boiler broken");
        assertThat(value.at("/body/text").asText()).contains("No hot water since yesterday.");
        assertThat(value.at("/thread/method").asText()).isEqualTo("new");
        assertThat(value.at("/source/system").asText()).isEqualTo("mailbox:support");
        assertThat(value.at("/source/rawRef").asText()).startsWith("raw/");
        awaitTaken(messageId);
        assertThat(isSeen(messageId)).as("\\Seen is left to staff").isFalse();
    }

    @Test
    void mailOpenedByStaffWhileTheBridgeWasAwayIsStillTaken() throws Exception {
        camel.getRouteController().stopRoute("email-inbox-to-case");
        String messageId;
        try {
            messageId = send("Ola Nowak <ola@example.org>", "Door lock", "The front door does not lock.", null);
            // a member of staff reads it in the shared mailbox: \Seen says nothing about whether the bridge took it
            for (com.icegreen.greenmail.user.GreenMailUser user : greenMail().getUserManager().listUser()) {
                for (com.icegreen.greenmail.store.StoredMessage m
                        : greenMail().getManagers().getImapHostManager().getInbox(user).getMessages()) {
                    if (messageId.equals(m.getMimeMessage().getMessageID())) {
                        m.setFlag(Flags.Flag.SEEN, true);
                    }
                }
            }
            assertThat(isSeen(messageId)).isTrue();
        } finally {
            camel.getRouteController().startRoute("email-inbox-to-case");
        }
        assertThat(awaitCase(messageId).get("subject").asText()).isEqualTo("Door lock");
        awaitTaken(messageId);
    }

    @Test
    void replyJoinsItsCaseByHeaderAndByToken() throws Exception {
        String first = send("tenant@example.org", "Mould in the bathroom", "There is mould on the ceiling.", null);
        String caseId = awaitCase(first).get("caseId").asText();

        String second = send("tenant@example.org", "Re: Mould in the bathroom", "It is getting worse.", first);
        JsonNode reply = awaitCase(second);
        assertThat(reply.get("caseId").asText()).isEqualTo(caseId);
        assertThat(reply.at("/thread/method").asText()).isEqualTo("header");
        assertThat(reply.at("/thread/confidence").asDouble()).isEqualTo(1.0);

        String third = send("tenant@example.org", "Photos [" + caseId + "]", "Photos attached later.", null);
        JsonNode byToken = awaitCase(third);
        assertThat(byToken.get("caseId").asText()).isEqualTo(caseId);
        assertThat(byToken.at("/thread/method").asText()).isEqualTo("token");
    }

    @Test
    void mailToTheTokenisedReplyAddressJoinsItsCase() throws Exception {
        String first = send("tenant@example.org", "Fence", "The fence blew down.", null);
        String caseId = awaitCase(first).get("caseId").asText();

        String byAddress = sendTo("support+" + caseId.toLowerCase() + "@casebridge.local", "tenant@example.org", "more",
                "It is blocking the path.", null);
        JsonNode joined = awaitCase(byAddress);

        assertThat(joined.get("caseId").asText()).isEqualTo(caseId);
        assertThat(joined.at("/thread/method").asText()).isEqualTo("address");
    }

    @Test
    void acknowledgementsToOneSenderAreRateLimited() throws Exception {
        String sender = "busy-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        for (int i = 0; i < 5; i++) {
            awaitCase(send(sender, "New problem " + i, "Problem number " + i + ".", null));
        }
        assertThat(jdbc.queryForObject("select count(*) from cb_acknowledgement where recipient = ?", Integer.class, sender))
                .as("acknowledgement.max-per-sender").isEqualTo(3);
        // the three acknowledgements go out through the reply queue: wait for them, then make sure no fourth follows
        Awaitility.await("three acknowledgements").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> mailsTo(sender) >= 3);
        Awaitility.await("no fourth acknowledgement").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> mailsTo(sender) == 3);
        assertThat(mailsTo(sender)).isEqualTo(3);
    }

    private long mailsTo(String address) {
        return java.util.Arrays.stream(greenMail().getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().contains(address);
            } catch (Exception e) {
                return false;
            }
        }).count();
    }

    @Test
    void strangerUsingAnotherCasesTokenOpensAPossiblyRelatedCase() throws Exception {
        String first = send("tenant@example.org", "Broken window", "The window in the kitchen is broken.", null);
        String caseId = awaitCase(first).get("caseId").asText();

        String stranger = send("neighbour@example.net", "About [" + caseId + "]", "I live next door.", first);
        JsonNode other = awaitCase(stranger);

        assertThat(other.get("caseId").asText()).isNotEqualTo(caseId);
        assertThat(other.at("/thread/method").asText()).isEqualTo("new");
        assertThat(other.at("/thread/possiblyRelatedTo").asText()).isEqualTo(caseId);
    }

    @Test
    void autoReplyThatMatchesNoCaseOpensNone() throws Exception {
        // other tests in this context open cases and record rejections too: count what this mail did
        String rejections = "select count(*) from cb_rejection where problem_type = 'urn:casebridge:problem:unmatched-auto-reply'";
        long rejectedBefore = jdbc.queryForObject(rejections, Long.class);
        String id = send("holiday@example.org", "Out of office", "I am away until Monday.", null, "Auto-Submitted", "auto-replied");

        awaitTaken(id);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class, ThreadIndex.normaliseRef(id)))
                .as("no case for the auto-reply").isZero();
        Awaitility.await("the auto-reply's rejection").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForObject(rejections, Long.class) > rejectedBefore);
        assertThat(probe.count(QUEUE, null)).isZero();
    }

    @Test
    void messageLeftPendingByABrokerOutageBecomesExactlyOneCase() throws Exception {
        TransportConnector connector = broker.getTransportConnectors().get(0);
        connector.stop();
        String id;
        try {
            id = send("tenant@example.org", "Leak", "Water through the ceiling.", null);
            // the route fails to publish; the mail stays untaken (watched for 1.5 s) and is read again after a back-off
            Awaitility.await("the mail left untaken").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !isTaken(id));
            assertThat(isTaken(id)).isFalse();
        } finally {
            connector.start();
        }
        JsonNode value = awaitCase(id);
        awaitTaken(id);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where external_id = ?", Integer.class,
                ThreadIndex.normaliseRef(id))).isEqualTo(1);
        assertThat(probe.count(QUEUE, "CasebridgeCaseId = '" + value.get("caseId").asText() + "'")).isZero();
    }

    @Test
    void poisonedMailAmongTenGoodOnesBecomesOneRejectionAndTenCases() throws Exception {
        probe.drain("casebridge.email-inbox-to-case.dlq");
        List<String> good = new java.util.ArrayList<>();
        String poisoned = null;
        for (int i = 0; i < 11; i++) {
            if (i == 5) {
                poisoned = send("tenant" + i + "@example.org", "Poison", "A header no mailer should write.", null,
                        "X-Poison", "x".repeat(70_000));
            } else {
                good.add(send("tenant" + i + "@example.org", "Repair " + i, "Please fix item " + i + ".", null));
            }
        }

        java.util.Set<String> cases = new java.util.HashSet<>();
        for (int attempt = 0; attempt < 30 && cases.size() < good.size(); attempt++) {
            for (jakarta.jms.Message m : probe.receive(QUEUE, "CasebridgeChannel = 'email'", 1000)) {
                JsonNode json = mapper.readTree(((TextMessage) m).getText());
                assertThat(schema.violations(json)).isEmpty();
                cases.add(json.at("/source/externalId").asText());
            }
        }
        assertThat(cases).containsExactlyInAnyOrderElementsOf(good.stream().map(ThreadIndex::normaliseRef).toList());
        List<jakarta.jms.Message> dead = probe.receive("casebridge.email-inbox-to-case.dlq", null, 5000);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getStringProperty("CasebridgeRejectionType")).startsWith("urn:casebridge:problem:")
                .isIn("urn:casebridge:problem:header-field-too-long", "urn:casebridge:problem:line-too-long");
        assertThat(dead.get(0).getStringProperty("CasebridgeFailureReason")).isNotBlank();
        String rawRef = jdbc.queryForObject("select raw_ref from cb_rejection where rejection_id = ?", String.class,
                dead.get(0).getStringProperty("CasebridgeRejectionId"));
        assertThat(rawRef).startsWith("raw/");
        awaitTaken(poisoned);
        for (String id : good) {
            awaitTaken(id);
        }
    }

    private boolean isTaken(String messageId) throws Exception {
        for (MimeMessage m : greenMail().getReceivedMessagesForDomain("casebridge.local")) {
            if (messageId.equals(m.getMessageID())) {
                return m.getFlags().contains(MailboxConsumer.TAKEN_KEYWORD);
            }
        }
        return false;
    }

    private boolean isSeen(String messageId) throws Exception {
        for (MimeMessage m : greenMail().getReceivedMessagesForDomain("casebridge.local")) {
            if (messageId.equals(m.getMessageID())) {
                return m.isSet(Flags.Flag.SEEN);
            }
        }
        return false;
    }

    private void awaitTaken(String messageId) throws Exception {
        Awaitility.await(messageId + " marked taken").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> isTaken(messageId));
    }
}
