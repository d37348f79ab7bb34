package org.casebridge.channel.whatsapp;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Locale;
import java.util.Set;

/**
 * Wiring of the WhatsApp channel: its settings, and the header filter of the Graph API calls made with camel-http
 * ({@code routes/case-replies-to-whatsapp.yaml}), so a reply's case and JMS headers never travel to Meta.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WhatsAppProperties.class)
class WhatsAppConfiguration {

    @Bean("graphApiHeaders")
    HeaderFilterStrategy graphApiHeaders() {
        return new GraphApiHeaders();
    }

    /** Lets out only the token and the content type; takes no response headers in. */
    static final class GraphApiHeaders implements HeaderFilterStrategy {

        private static final Set<String> SENT = Set.of("authorization", Exchange.CONTENT_TYPE.toLowerCase(Locale.ROOT));

        @Override
        public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
            return !SENT.contains(headerName.toLowerCase(Locale.ROOT));
        }

        @Override
        public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
            return true;
        }
    }
}
