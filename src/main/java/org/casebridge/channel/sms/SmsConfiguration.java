package org.casebridge.channel.sms;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the SMS (Twilio) settings. Twilio's form bodies reach the signature check as sent through the webhooks'
 * shared {@link org.casebridge.channel.chat.RawBodyCachingFilter}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SmsProperties.class)
class SmsConfiguration {
}
