package org.casebridge.channel.messenger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.cases.ThreadIndex;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.apache.camel.support.DefaultHeaderFilterStrategy;

import java.time.Clock;

/**
 * Facebook Messenger's settings, its reply translator ({@code messengerReplies} in the reply route), and the header
 * filter of the Send API calls of Messenger and Instagram ({@code metaSendHeaders}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MessengerProperties.class)
class MessengerConfiguration {

    @Bean
    MetaReplies messengerReplies(MessengerProperties properties, JdbcTemplate jdbc, ThreadIndex threads, ObjectMapper mapper) {
        // a Page access token speaks for one Page: /me/messages is that Page
        return new MetaReplies(Channel.MESSENGER, properties, false, "me", jdbc, threads, mapper, Clock.systemUTC());
    }

    /**
     * Only Content-Type and Authorization go to Meta as HTTP headers: the reply exchange also carries the bridge's
     * own headers (case ids, JMS properties), which are nobody else's business.
     */
    @Bean
    DefaultHeaderFilterStrategy metaSendHeaders() {
        DefaultHeaderFilterStrategy strategy = new DefaultHeaderFilterStrategy();
        strategy.setOutFilterPattern("(?i)content-type|authorization");
        strategy.setFilterOnMatch(false);
        return strategy;
    }
}
