package org.casebridge.channel.sms;

import org.casebridge.channel.chat.ChatProperties;
import org.casebridge.channel.chat.RawBodyCachingFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the SMS (Twilio) settings, and keeps the raw form body of Twilio's webhooks for the signature check. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SmsProperties.class)
class SmsConfiguration {

    @Bean
    FilterRegistrationBean<RawBodyCachingFilter> smsRawBody(ChatProperties chat) {
        var registration = new FilterRegistrationBean<>(new RawBodyCachingFilter(chat.getMaxWebhookSize().toBytes()));
        registration.addUrlPatterns(SmsPlatform.PATH, SmsPlatform.PATH + "/*");
        registration.setName("smsRawBody");
        // after the webhook size limit (order 0), before anything that reads parameters
        registration.setOrder(1);
        return registration;
    }
}
