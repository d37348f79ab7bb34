package org.casebridge.support.faults;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.awaitility.Awaitility;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;

import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks every fault scenario ends with: every acknowledged message is a readable case and on
 * casebridge.cases.new; no message stored twice; nothing left pending in the outbox; each delivery target got each
 * message once (by CasebridgeMessageId).
 */
public final class Invariants {

    private static final String API_KEY = "demo-key-change-me";

    private final String jdbcUrl;
    private final BrokerProcess broker;

    public Invariants(String jdbcUrl, BrokerProcess broker) {
        this.jdbcUrl = jdbcUrl;
        this.broker = broker;
    }

    /** Every acknowledged case id answers 200 on GET /api/v1/cases/{id}. */
    public void everyCaseReadable(Http http, Collection<String> caseIds) {
        for (String caseId : caseIds) {
            HttpResponse<String> view = http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", API_KEY));
            assertThat(view.statusCode()).as("case %s readable", caseId).isEqualTo(200);
        }
    }

    /** Each text (an API message's unique text, an email's Message-ID) became exactly one stored inbound message. */
    public void eachStoredOnce(Collection<String> uniqueTexts) throws SQLException {
        try (var c = DriverManager.getConnection(jdbcUrl, "casebridge", "casebridge");
             PreparedStatement count = c.prepareStatement("select count(*) from cb_message where direction = 'inbound' and payload like ?")) {
            List<String> wrong = new ArrayList<>();
            for (String text : uniqueTexts) {
                count.setString(1, "%" + text + "%");
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) != 1) {
                        wrong.add(text + " x" + rs.getInt(1));
                    }
                }
            }
            assertThat(wrong).as("messages not stored exactly once").isEmpty();
        }
    }

    /** No two inbound messages with one external id (source.externalId). */
    public void noExternalIdTwice() throws SQLException {
        List<String> twice = query("select external_id from cb_message where external_id is not null and direction = 'inbound'"
                + " group by external_id having count(*) > 1");
        assertThat(twice).as("external ids stored twice").isEmpty();
    }

    /** The outbox empties (each entry published) within {@code within}; nothing stays pending. */
    public void outboxDrained(Duration within) {
        Awaitility.await("outbox drained").atMost(within).pollInterval(Duration.ofMillis(500))
                .until(() -> query("select message_id from cb_outbox").isEmpty()
                        && query("select message_id from cb_message where delivery_state = 'pending'").isEmpty());
    }

    /**
     * Reads {@code queue} until every expected CasebridgeMessageId has arrived (or {@code within} passes); returns how
     * often each id arrived. A queue may hold an id twice after an ambiguous send (consumers de-duplicate on it).
     */
    public Map<String, Integer> drain(String queue, Set<String> expected, Duration within) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(TestInfrastructure.BACKOFFICE_USER,
                TestInfrastructure.BACKOFFICE_PASSWORD, broker.url());
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            Awaitility.await("every acknowledged message on " + queue).atMost(within).until(() -> {
                for (Message message = consumer.receive(500); message != null; message = consumer.receive(200)) {
                    seen.merge(message.getStringProperty("CasebridgeMessageId"), 1, Integer::sum);
                }
                return seen.keySet().containsAll(expected);
            });
        }
        return seen;
    }

    /** A delivery target (the housing queue, the CRM, a mailbox) got each message at most once. */
    public static void eachOnce(String target, Map<String, Integer> received) {
        assertThat(received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("messages %s received more than once", target).isEmpty();
    }

    private List<String> query(String sql) throws SQLException {
        try (var c = DriverManager.getConnection(jdbcUrl, "casebridge", "casebridge"); var rs = c.createStatement().executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
