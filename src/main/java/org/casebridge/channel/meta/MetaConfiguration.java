package org.casebridge.channel.meta;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.casebridge.cases.Channel;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.channel.chat.MediaFetcher;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;

/**
 * Meta's two messaging channels, each one configuration of the same classes: Facebook Messenger
 * ({@code casebridge.channels.messenger.*}) and Instagram messaging ({@code casebridge.channels.instagram.*}), each a
 * webhook ({@link MetaPlatform}) and a reply sender ({@link MetaReplies}); and the header filter of their Send API
 * calls ({@code metaSendHeaders}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({MessengerProperties.class, InstagramProperties.class})
class MetaConfiguration {

    @Bean
    MetaPlatform messengerPlatform(MessengerProperties properties, MediaFetcher media) {
        return MetaPlatform.messenger(properties, media);
    }

    @Bean
    MetaPlatform instagramPlatform(InstagramProperties properties, MediaFetcher media) {
        return MetaPlatform.instagram(properties, media);
    }

    @Bean
    MetaReplies messengerReplies(MessengerProperties properties, JdbcTemplate jdbc, ThreadIndex threads, ObjectMapper mapper, Clock clock) {
        // a Page access token speaks for one Page: /me/messages is that Page
        return new MetaReplies(Channel.MESSENGER, properties, false, "me", jdbc, threads, mapper, clock);
    }

    @Bean
    MetaReplies instagramReplies(InstagramProperties properties, JdbcTemplate jdbc, ThreadIndex threads, ObjectMapper mapper, Clock clock) {
        // replies go out from the account the customer wrote to: POST /<ig user id>/messages
        String fallback = properties.getIgUserId() == null || properties.getIgUserId().isBlank() ? "me" : properties.getIgUserId();
        return new MetaReplies(Channel.INSTAGRAM, properties, true, fallback, jdbc, threads, mapper, clock);
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
