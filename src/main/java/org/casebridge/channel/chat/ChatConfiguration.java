package org.casebridge.channel.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.ops.ProblemWriter;
import org.casebridge.ops.RequestSizeLimitFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wiring shared by the chat platforms: their settings, the size limit on every webhook under {@code /webhooks/}, and
 * the raw form body kept for the platforms that sign form posts.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChatProperties.class)
class ChatConfiguration {

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> webhookSizeLimit(ChatProperties properties, ObjectMapper mapper) {
        // refused before the body is read: a platform never sends megabytes in a webhook, an attacker might
        var registration = new FilterRegistrationBean<>(new RequestSizeLimitFilter(properties.getMaxWebhookSize().toBytes(), new ProblemWriter(mapper)));
        registration.addUrlPatterns("/webhooks/*");
        registration.setName("webhookSizeLimit");
        registration.setOrder(0);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RawBodyCachingFilter> webhookRawFormBody(ChatProperties properties) {
        // after the size limit, before anything reads parameters: Twilio and Slack sign their form bodies byte for byte
        var registration = new FilterRegistrationBean<>(new RawBodyCachingFilter(properties.getMaxWebhookSize().toBytes()));
        registration.addUrlPatterns("/webhooks/*");
        registration.setName("webhookRawFormBody");
        registration.setOrder(1);
        return registration;
    }
}
