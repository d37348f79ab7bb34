package org.casebridge.sla;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** The SLA policy and the triage rules, read from their files in {@code config/} at start (a broken file stops the start, naming the key). */
@Configuration(proxyBeanMethods = false)
class SlaConfiguration {

    @Bean
    SlaPolicy slaPolicy(@Value("${casebridge.sla.policy-file}") Path file) {
        return SlaPolicy.load(file);
    }

    @Bean
    TriageRules triageRules(@Value("${casebridge.triage.rules-file}") Path file) {
        return TriageRules.load(file);
    }
}
