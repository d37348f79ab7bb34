package org.casebridge.channel.slack;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the staff Slack settings. Slack's signed form calls reach the signature check as sent through the
 * webhooks' shared {@link org.casebridge.channel.chat.RawBodyCachingFilter}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SlackProperties.class)
class SlackConfiguration {
}
