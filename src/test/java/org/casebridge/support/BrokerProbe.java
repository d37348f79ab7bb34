package org.casebridge.support;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads queues of the embedded broker over TCP, logged in as the bridge's own user (see {@link TestInfrastructure}). */
public final class BrokerProbe {

    private final String url;

    public BrokerProbe(BrokerService broker) throws Exception {
        this.url = broker.getTransportConnectors().get(0).getPublishableConnectString();
    }

    public String url() {
        return url;
    }

    /** Removes every message from {@code queue}. */
    public void drain(String queue) throws JMSException {
        while (!receive(queue, null, 200).isEmpty()) {
            // keep draining
        }
    }

    /** Receives (and removes) up to all messages matching {@code selector}, waiting up to {@code timeoutMs} for the first. */
    public List<Message> receive(String queue, String selector, long timeoutMs) throws JMSException {
        try (Connection connection = new ActiveMQConnectionFactory(TestInfrastructure.BROKER_USER, TestInfrastructure.BROKER_PASSWORD, url).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue), selector);
            List<Message> messages = new ArrayList<>();
            Message message = consumer.receive(timeoutMs);
            while (message != null) {
                messages.add(message);
                message = consumer.receive(200);
            }
            return messages;
        }
    }

    /** Counts the messages on {@code queue} matching {@code selector} without consuming them. */
    public int count(String queue, String selector) throws JMSException {
        try (Connection connection = new ActiveMQConnectionFactory(TestInfrastructure.BROKER_USER, TestInfrastructure.BROKER_PASSWORD, url).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue destination = session.createQueue(queue);
            QueueBrowser browser = selector == null ? session.createBrowser(destination) : session.createBrowser(destination, selector);
            return Collections.list(browser.getEnumeration()).size();
        }
    }
}
