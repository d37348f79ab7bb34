package org.casebridge.channel.messenger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.cases.ThreadIndex;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;

/** Facebook Messenger's settings and its reply translator ({@code messengerReplies} in the reply route). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MessengerProperties.class)
class MessengerConfiguration {

    @Bean
    MetaReplies messengerReplies(MessengerProperties properties, JdbcTemplate jdbc, ThreadIndex threads, ObjectMapper mapper) {
        // a Page access token speaks for one Page: /me/messages is that Page
        return new MetaReplies(Channel.MESSENGER, properties, false, "me", jdbc, threads, mapper, Clock.systemUTC());
    }
}
