package org.casebridge.channel.instagram;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.channel.messenger.MetaReplies;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;

/** Instagram messaging's settings and its reply translator ({@code instagramReplies} in the reply route). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InstagramProperties.class)
class InstagramConfiguration {

    @Bean
    MetaReplies instagramReplies(InstagramProperties properties, JdbcTemplate jdbc, ThreadIndex threads, ObjectMapper mapper) {
        // replies go out from the account the customer wrote to: POST /<ig user id>/messages
        String fallback = properties.getIgUserId() == null || properties.getIgUserId().isBlank() ? "me" : properties.getIgUserId();
        return new MetaReplies(Channel.INSTAGRAM, properties, true, fallback, jdbc, threads, mapper, Clock.systemUTC());
    }
}
