package org.casebridge.support;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.ContextCustomizerFactories;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that runs the whole bridge: real HTTP, the embedded broker on a real TCP port, H2 in a fresh data folder,
 * the real {@code config/} and {@code routes/}, Camel's MBeans kept (Hawtio reads them, as in production), quick
 * redeliveries, and back-office delivery off (the tests read {@code casebridge.cases.new} themselves).
 * <p>
 * What a test changes goes into {@code @TestPropertySource(properties = ...)} beside this annotation (it wins over the
 * settings here and over the isolation), values known only at run time (a WireMock port) into a
 * {@code @DynamicPropertySource}. Every distinct set of properties is a Spring context of its own: share a base class
 * where tests can share a bridge. The context's {@link TestInfrastructure.Ports} are a bean, for the tests to inject.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@CamelSpringBootTest
@SpringBootTest(properties = {
        "casebridge.errors.redelivery-delay=20",
        "casebridge.errors.maximum-redelivery-delay=100",
        // outages are waited out for minutes in production: as few redeliveries as any other failure here
        "casebridge.errors.outage-redeliveries=3",
        "spring.jmx.unique-names=true"
})
@ContextCustomizerFactories(BridgeIsolation.class)
public @interface BridgeContext {

    /** Labels the context's data folder, broker and Camel names. */
    String value() default "bridge";

    /** Random port by default; the web chat runs on a fixed one, because its allowed origins name the port. */
    @AliasFor(annotation = SpringBootTest.class, attribute = "webEnvironment")
    SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.RANDOM_PORT;
}
