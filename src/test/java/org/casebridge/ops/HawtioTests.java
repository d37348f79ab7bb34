package org.casebridge.ops;

import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Hawtio answers, and its Jolokia bridge shows the Camel routes and the broker's queues. */
class HawtioTests extends BridgeTest {

    @LocalServerPort
    int port;
    @Value("${casebridge.broker.embedded-name}")
    String brokerName;
    @Value("${camel.main.name}")
    String camelName;

    @Test
    void hawtioConsoleAnswers() {
        HttpResponse<String> response = new Http(port).asAdmin().get("/actuator/hawtio/", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsIgnoringCase("hawtio");
    }

    @Test
    void jolokiaListsTheCamelRoutes() {
        HttpResponse<String> response = new Http(port).asAdmin().get("/actuator/jolokia/search/org.apache.camel:type=routes,*", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("context=" + camelName)
                .contains("webform-api-to-case")
                .contains("case-store-to-api")
                .contains("dead-letter-to-dlq");
    }

    @Test
    void jolokiaShowsTheBroker() {
        HttpResponse<String> response = new Http(port).as(TestInfrastructure.VIEWER_USER, TestInfrastructure.USER_PASSWORD).get(
                "/actuator/jolokia/read/org.apache.activemq:type=Broker,brokerName=" + brokerName + "/BrokerName", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"value\":\"" + brokerName + "\"");
    }
}
