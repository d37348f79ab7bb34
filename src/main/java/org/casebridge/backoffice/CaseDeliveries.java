package org.casebridge.backoffice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseEnvelope;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.Priority;
import org.casebridge.shared.RejectedMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What every delivery target does first and last: read the case on the delivery queue, skip it when this target
 * delivered it before (the broker redelivers a message whose acknowledgement was lost), and record the delivery.
 * A target is named by its delivery queue ({@code casebridge.delivery.crm}, ...).
 */
@Component("caseDeliveries")
public class CaseDeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(CaseDeliveries.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final CaseEnvelope envelope;
    private final Clock clock;

    CaseDeliveries(JdbcTemplate jdbc, ObjectMapper mapper, CaseEnvelope envelope, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.envelope = envelope;
    }

    /**
     * Route step: reads the Case JSON in the body into {@link CaseHeaders#CASE_PROPERTY} and sets
     * {@link BackofficeHeaders#ALREADY_DELIVERED}. A body that is no case can never be delivered: it is rejected.
     */
    public void check(Exchange exchange) throws InvalidPayloadException {
        Case value = read(exchange.getMessage().getMandatoryBody(String.class));
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, value);
        String target = target(exchange);
        exchange.setProperty(BackofficeHeaders.TARGET, target);
        boolean delivered = !jdbc.queryForList("select 1 from cb_delivery where target = ? and message_id = ?", Integer.class,
                target, value.messageId()).isEmpty();
        exchange.setProperty(BackofficeHeaders.ALREADY_DELIVERED, delivered);
        if (delivered) {
            LOG.info("Message {} of case {} was delivered by {} before: not delivered again", value.messageId(), value.caseId(), target);
        }
    }

    /**
     * Route step after the target took the message: records it, so a redelivery of the same message is skipped. For a
     * target outside the route's transaction (a CRM call, a file): what was done cannot be rolled back, so it is
     * recorded at once.
     */
    public void markDelivered(Exchange exchange) {
        record(exchange.getProperty(BackofficeHeaders.TARGET, String.class), exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class));
    }

    /**
     * Route step of a target inside the route's JMS transaction (the queue sink): records the delivery only once that
     * transaction has committed. Written earlier, a crash between the two would roll the send back and redeliver the
     * message, which the record would then skip, and the case would never reach the target. A crash after the commit
     * and before the record costs nothing: the message is consumed and delivered, and nothing redelivers it.
     */
    public void markDeliveredOnCommit(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        String target = exchange.getProperty(BackofficeHeaders.TARGET, String.class);
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            record(target, value);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                record(target, value);
            }
        });
    }

    private void record(String target, Case value) {
        try {
            jdbc.update("insert into cb_delivery (target, message_id, case_id, delivered_at) values (?, ?, ?, ?)",
                    target, value.messageId(), value.caseId(), OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        } catch (DuplicateKeyException twice) {
            // another instance delivered the same message at the same moment: it is recorded already
        }
        LOG.debug("Message {} of case {} delivered by {}", value.messageId(), value.caseId(), target);
    }

    /**
     * Route step of the queue sink: the case's own headers only (they become JMS properties for selectors), and the
     * JMS priority from the case priority (P1 = 9 … P4 = 1), so urgent cases overtake in a consumer's backlog.
     */
    public void envelope(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        exchange.getMessage().setHeader(CaseHeaders.CASE_ID, value.caseId());
        exchange.getMessage().setHeader(CaseHeaders.MESSAGE_ID, value.messageId());
        envelope.forQueue(exchange);
        exchange.getMessage().setHeader("JMSPriority", jmsPriority(value.priority()));
        exchange.getMessage().setHeader("JMSDeliveryMode", jakarta.jms.DeliveryMode.PERSISTENT);
    }

    /**
     * The target: its delivery queue ({@code casebridge.delivery.crm}), which stays the same whatever the routes are
     * called (inside a kamelet the exchange's route is the kamelet's); the route's id when the message came otherwise.
     */
    static String target(Exchange exchange) {
        Object destination = exchange.getMessage().getHeader("JMSDestination");
        if (destination instanceof jakarta.jms.Queue queue) {
            try {
                return queue.getQueueName();
            } catch (jakarta.jms.JMSException e) {
                throw new IllegalStateException("Cannot read the name of queue " + destination, e);
            }
        }
        return exchange.getFromRouteId();
    }

    static int jmsPriority(Priority priority) {
        return switch (priority == null ? Priority.P3 : priority) {
            case P1 -> 9;
            case P2 -> 7;
            case P3 -> 4;
            case P4 -> 1;
        };
    }

    private Case read(String json) {
        try {
            Case value = mapper.readValue(json, Case.class);
            if (value.caseId() == null || value.messageId() == null) {
                throw new RejectedMessageException("invalid-case", "The message is not a Case: no caseId or messageId");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new RejectedMessageException("invalid-case", "The message is not a Case v1 document: " + e.getOriginalMessage());
        }
    }
}
