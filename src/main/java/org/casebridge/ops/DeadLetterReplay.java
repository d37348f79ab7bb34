package org.casebridge.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.advisory.DestinationSource;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.camel.Exchange;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replays dead letters: moves messages from {@code <queue>.dlq} back to {@code <queue>}, each in its own broker
 * transaction (taken off the dead-letter queue only together with being put back), with its original body and
 * business headers and without the {@code CasebridgeFailure*} headers the dead letter channel added.
 */
@Component("deadLetterReplay")
public class DeadLetterReplay {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Set<String> FAILURE_HEADERS = Set.of(CaseHeaders.FAILURE_REASON, CaseHeaders.FAILURE_EXCEPTION,
            CaseHeaders.FAILURE_ROUTE_ID, CaseHeaders.FAILURE_ENDPOINT, CaseHeaders.FAILED_AT, CaseHeaders.REDELIVERIES,
            CaseHeaders.DEAD_LETTER_QUEUE, CaseHeaders.REJECTION_ID, CaseHeaders.REJECTION_TYPE);
    private static final int MAX_LIMIT = 10_000;

    private final ConnectionFactory connectionFactory;
    private final ObjectProvider<BrokerService> embedded;
    private final CasebridgeProperties properties;
    private final ObjectMapper mapper;

    DeadLetterReplay(ConnectionFactory connectionFactory, ObjectProvider<BrokerService> embedded, CasebridgeProperties properties,
                     ObjectMapper mapper) {
        this.connectionFactory = connectionFactory;
        this.embedded = embedded;
        this.properties = properties;
        this.mapper = mapper;
    }

    /** What a replay did. */
    public record Result(String queue, String deadLetterQueue, int moved, int remaining) {
    }

    /** Route step of {@code POST /api/v1/admin/dlq/{queue}/replay}: the body becomes the result as JSON-ready map. */
    public void replay(Exchange exchange) throws Exception {
        org.apache.camel.Message message = exchange.getMessage();
        String queue = message.getHeader("queue", String.class);
        String limitText = message.getHeader("limit", String.class);
        String selector = blankToNull(message.getHeader("selector", String.class));
        String messageId = blankToNull(message.getHeader("messageId", String.class));
        int limit = MAX_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new RejectedRequestException(400, "invalid-limit", "Invalid limit", "limit must be a number from 1 to " + MAX_LIMIT + ".");
            }
        }
        if (messageId != null) {
            String idSelector = "JMSMessageID = '" + messageId.replace("'", "''") + "'";
            selector = selector == null ? idSelector : "(" + selector + ") AND " + idSelector;
        }
        Result result = replay(queue, selector, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("queue", result.queue());
        body.put("deadLetterQueue", result.deadLetterQueue());
        body.put("moved", result.moved());
        body.put("remaining", result.remaining());
        message.getHeaders().clear();
        message.setBody(mapper.writeValueAsString(body));
    }

    /** Moves up to {@code limit} messages matching {@code selector} (null: all) from {@code queue.dlq} to {@code queue}. */
    public Result replay(String queue, String selector, int limit) throws JMSException {
        if (queue == null || !QUEUE.matcher(queue).matches()) {
            throw new RejectedRequestException(400, "invalid-queue", "Invalid queue name", "'" + queue + "' is not a queue name.");
        }
        if (queue.endsWith(".dlq")) {
            throw new RejectedRequestException(400, "invalid-queue", "Name the original queue",
                    "Replay moves messages from <queue>.dlq to <queue>: name the queue without .dlq ('" + queue.substring(0, queue.length() - 4) + "').");
        }
        String dlq = queue + ".dlq";
        if (!exists(dlq) && !exists(queue)) {
            throw new RejectedRequestException(404, "queue-not-found", "Queue not found",
                    "The broker has neither a queue '" + queue + "' nor a dead-letter queue '" + dlq + "'.");
        }
        int moved = 0;
        try (Connection connection = connectionFactory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            // prefetch 1: a consumer holding messages it will not move would leave them invisible until it closes
            Queue source = session.createQueue(dlq + "?consumer.prefetchSize=1");
            Queue target = session.createQueue(queue);
            MessageConsumer consumer;
            try {
                consumer = selector == null ? session.createConsumer(source) : session.createConsumer(source, selector);
            } catch (jakarta.jms.InvalidSelectorException e) {
                throw new RejectedRequestException(400, "invalid-selector", "Invalid JMS selector", "The selector is not valid: " + e.getMessage());
            }
            MessageProducer producer = session.createProducer(target);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            while (moved < limit) {
                Message dead = consumer.receive(moved == 0 ? 1000 : 250);
                if (dead == null) {
                    break;
                }
                Message copy = copy(session, dead);
                producer.send(copy, DeliveryMode.PERSISTENT, dead.getJMSPriority(), 0);
                session.commit();
                moved++;
            }
            consumer.close();
            int remaining = count(session, dlq);
            LOG.info("Replayed {} dead letters from {} to {} ({} left)", moved, dlq, queue, remaining);
            return new Result(queue, dlq, moved, remaining);
        }
    }

    private static Message copy(Session session, Message dead) throws JMSException {
        Message copy;
        if (dead instanceof TextMessage text) {
            copy = session.createTextMessage(text.getText());
        } else if (dead instanceof BytesMessage bytes) {
            byte[] data = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(data);
            BytesMessage b = session.createBytesMessage();
            b.writeBytes(data);
            copy = b;
        } else {
            throw new IllegalStateException("Dead letter " + dead.getJMSMessageID() + " is neither text nor bytes: cannot replay it");
        }
        for (Object name : Collections.list(dead.getPropertyNames())) {
            String property = (String) name;
            if (!FAILURE_HEADERS.contains(property) && !property.startsWith("CasebridgeFailure") && !property.startsWith("JMSX")) {
                copy.setObjectProperty(property, dead.getObjectProperty(property));
            }
        }
        copy.setJMSCorrelationID(dead.getJMSCorrelationID());
        copy.setJMSType(dead.getJMSType());
        return copy;
    }

    private static int count(Session session, String queue) throws JMSException {
        try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
            return Collections.list(browser.getEnumeration()).size();
        }
    }

    /** Whether the broker has the queue: asked of the embedded broker directly, of an external one through its advisories. */
    private boolean exists(String queue) throws JMSException {
        BrokerService broker = properties.getBroker().isEmbedded() ? embedded.getIfAvailable() : null;
        if (broker != null) {
            try {
                return broker.getRegionBroker().getDestinationMap().containsKey(new ActiveMQQueue(queue));
            } catch (Exception e) {
                throw new IllegalStateException("Cannot list the broker's queues: " + e.getMessage(), e);
            }
        }
        try (Connection connection = new org.apache.activemq.ActiveMQConnectionFactory(
                properties.getBroker().getUsername(), properties.getBroker().getPassword(), properties.getBroker().getUrl()).createConnection()) {
            connection.start();
            DestinationSource destinations = ((ActiveMQConnection) connection).getDestinationSource();
            destinations.start();
            // an interval, not a time of day: the monotonic clock
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() - deadline < 0) {
                if (destinations.getQueues().stream().anyMatch(q -> queue.equals(q.getPhysicalName()))) {
                    return true;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return false;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
