package org.casebridge.channel.twitter;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Registers the X (Twitter) settings. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TwitterProperties.class)
class TwitterConfiguration {
}
