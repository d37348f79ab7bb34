package org.casebridge.channel.slack;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the staff Slack settings, and the filter that keeps the bytes of Slack's signed form calls. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SlackProperties.class)
class SlackConfiguration {

    @Bean
    FilterRegistrationBean<SlackFormBodyFilter> slackFormBody() {
        var registration = new FilterRegistrationBean<>(new SlackFormBodyFilter());
        registration.addUrlPatterns("/webhooks/slack");
        registration.setName("slackFormBody");
        // after the webhook size limit (order 0), which refuses a large body before anyone reads it
        registration.setOrder(1);
        return registration;
    }
}
