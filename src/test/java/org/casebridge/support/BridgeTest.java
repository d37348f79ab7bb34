package org.casebridge.support;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;


/**
 * Base of the tests that run the whole bridge: real HTTP on a random port, the embedded broker on a real TCP port,
 * H2 in a fresh temporary folder, and the real {@code config/} and {@code routes/}.
 */
@CamelSpringBootTest
@DisableJmx(false) // Hawtio reads Camel's MBeans: keep them, as in production
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "casebridge.errors.redelivery-delay=20",
        "casebridge.errors.maximum-redelivery-delay=100",
        "spring.jmx.unique-names=true",
        // the shared bridge's tests read casebridge.cases.new themselves; back-office delivery has its own tests
        "casebridge.backoffice.enabled=false"
})
public abstract class BridgeTest {

    /** The demo client's key from config/application.yaml. */
    protected static final String API_KEY = "demo-key-change-me";

    /** The sandbox ports and data folder of this context. */
    protected static TestInfrastructure.Ports infrastructure;

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        infrastructure = TestInfrastructure.isolate(registry, "bridge");
    }
}
