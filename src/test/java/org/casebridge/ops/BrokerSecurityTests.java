package org.casebridge.ops;

import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded broker over real TCP: no login, no connection; a back-office login only for its own queues. */
class BrokerSecurityTests extends BridgeTest {

    @Autowired
    BrokerService broker;

    String url() throws Exception {
        return new BrokerProbe(broker).url();
    }

    @Test
    void aConnectionWithoutCredentialsIsRefused() throws Exception {
        assertThatThrownBy(() -> {
            try (Connection connection = new ActiveMQConnectionFactory(url()).createConnection()) {
                connection.start();
            }
        }).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> {
            try (Connection connection = new ActiveMQConnectionFactory(TestInfrastructure.BACKOFFICE_USER, "wrong", url()).createConnection()) {
                connection.start();
            }
        }).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void aBackOfficeUserWritesRepliesAndReadsCasesButNothingElse() throws Exception {
        try (Connection connection = new ActiveMQConnectionFactory(TestInfrastructure.BACKOFFICE_USER,
                TestInfrastructure.BACKOFFICE_PASSWORD, url()).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // allowed: read the new cases, write status updates
            session.createConsumer(session.createQueue("casebridge.cases.new")).close();
            session.createProducer(session.createQueue("casebridge.backoffice.updates")).close();
            // refused: reading the replies, writing new cases (as if from a channel), anything else
            assertThatThrownBy(() -> session.createConsumer(session.createQueue("casebridge.replies")))
                    .isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> session.createProducer(session.createQueue("casebridge.cases.new"))
                    .send(session.createTextMessage("{}"))).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> session.createConsumer(session.createQueue("casebridge.staff.notifications")))
                    .isInstanceOf(JMSSecurityException.class);
        }
        // the bridge's own user may do what the bridge does
        assertThat(new BrokerProbe(broker).count("casebridge.staff.notifications", null)).isGreaterThanOrEqualTo(0);
    }
}
