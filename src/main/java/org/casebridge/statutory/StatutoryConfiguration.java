package org.casebridge.statutory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** The statutory regimes, read from {@code config/statutory-clocks.yaml} at start (a broken file stops the start). */
@Configuration(proxyBeanMethods = false)
class StatutoryConfiguration {

    @Bean
    StatutoryRegimes statutoryRegimes(@Value("${casebridge.statutory.clocks-file}") Path file) {
        return StatutoryRegimes.load(file);
    }

    @Bean
    StatutoryDetector statutoryDetector(StatutoryRegimes regimes) {
        return new StatutoryDetector(regimes);
    }
}
