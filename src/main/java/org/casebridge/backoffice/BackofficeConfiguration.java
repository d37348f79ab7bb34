package org.casebridge.backoffice;

import org.apache.camel.component.kamelet.KameletComponent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wiring of the back-office delivery: the kamelet component reads the project's route templates from
 * {@code routes/kamelets/} (there is no kamelet starter for this Camel version, so it is configured here).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BackofficeProperties.class)
class BackofficeConfiguration {

    @Bean("kamelet")
    KameletComponent kameletComponent(BackofficeProperties properties) {
        KameletComponent kamelet = new KameletComponent();
        kamelet.setLocation(properties.getKameletsLocation());
        return kamelet;
    }
}
