package org.casebridge.ops;

import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.broker.BrokerService;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.BrokerProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared error handling: a flow that keeps failing is redelivered, then its message lands on {@code <queue>.dlq}. */
class DeadLetterTests extends BridgeTest {

    @Autowired
    CamelContext camel;
    @Autowired
    BrokerService broker;
    @Autowired
    ProducerTemplate producer;

    @AfterEach
    void removeRoute() throws Exception {
        camel.getRouteController().stopRoute("test-failing-queue-consumer");
        camel.removeRoute("test-failing-queue-consumer");
    }

    @Test
    void deadLettersToQueueNamedAfterTheSourceWithTheReason() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:casebridge.test.failing").routeId("test-failing-queue-consumer")
                        .routeConfigurationId("casebridge-error-handling")
                        .process(exchange -> {
                            attempts.incrementAndGet();
                            exchange.getMessage().setBody("changed by the route");
                            throw new IllegalStateException("housing system rejected the case");
                        });
            }
        });

        producer.sendBodyAndHeader("jms:queue:casebridge.test.failing", "{\"caseId\":\"CB-7K3M9Q\"}", "CasebridgeCaseId", "CB-7K3M9Q");

        BrokerProbe probe = new BrokerProbe(broker);
        List<Message> dead = probe.receive("casebridge.test.failing.dlq", null, 10_000);
        assertThat(dead).hasSize(1);
        Message message = dead.get(0);
        assertThat(((TextMessage) message).getText()).isEqualTo("{\"caseId\":\"CB-7K3M9Q\"}");
        assertThat(message.getStringProperty("CasebridgeFailureReason")).isEqualTo("housing system rejected the case");
        assertThat(message.getStringProperty("CasebridgeFailureException")).isEqualTo(IllegalStateException.class.getName());
        assertThat(message.getStringProperty("CasebridgeFailureRouteId")).isEqualTo("test-failing-queue-consumer");
        assertThat(message.getStringProperty("CasebridgeCaseId")).isEqualTo("CB-7K3M9Q");
        assertThat(message.getStringProperty("CasebridgeFailedAt")).isNotBlank();
        assertThat(attempts.get()).isEqualTo(1 + 3); // first delivery plus the configured redeliveries
        assertThat(probe.count("casebridge.test.failing", null)).isZero();
    }
}
