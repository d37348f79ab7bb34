package org.casebridge.support;

import org.apache.camel.impl.DefaultCamelContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.TestPropertySourceUtils;

import java.util.List;

/**
 * Gives each {@link BridgeContext} its own data folder, free ports and unique names ({@link TestInfrastructure}), each
 * time Spring builds such a context; contexts with the same configuration are still cached and shared.
 */
final class BridgeIsolation implements ContextCustomizerFactory {

    static final String PROPERTY_SOURCE = "Bridge test isolation";

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        BridgeContext bridge = TestContextAnnotationUtils.findMergedAnnotation(testClass, BridgeContext.class);
        return bridge == null ? null : new Isolation(bridge.value());
    }

    /** A record: two test classes with the same label (and the same rest) share one context. */
    private record Isolation(String name) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            TestInfrastructure.Ports ports = TestInfrastructure.allocate(name);
            MapPropertySource isolation = new MapPropertySource(PROPERTY_SOURCE, TestInfrastructure.properties(name, ports));
            MutablePropertySources sources = context.getEnvironment().getPropertySources();
            // below the test's own properties, so that a test may switch back-office delivery on again
            if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
                sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, isolation);
            } else {
                sources.addFirst(isolation);
            }
            context.getBeanFactory().registerSingleton("testInfrastructure", ports);
            // camel-test reads @DisableJmx with Class.isAnnotationPresent (not through meta-annotations) and otherwise
            // switches JMX off for the JVM just before the context is built: keep Camel's MBeans, as in production
            DefaultCamelContext.setDisableJmx(false);
        }
    }
}
