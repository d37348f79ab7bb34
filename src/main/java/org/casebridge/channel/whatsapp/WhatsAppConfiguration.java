package org.casebridge.channel.whatsapp;

import org.apache.camel.component.whatsapp.WhatsAppComponent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Wiring of the WhatsApp channel: its settings, and camel-whatsapp's component (registered as {@code whatsapp}, so
 * the reply flow's {@code whatsapp:<phone number id>} endpoints take the token, base URL and API version from here and
 * the token never appears in an endpoint URI).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WhatsAppProperties.class)
class WhatsAppConfiguration {

    @Bean("whatsapp")
    WhatsAppComponent whatsappComponent(WhatsAppProperties properties) {
        WhatsAppComponent component = new WhatsAppComponent();
        // the component refuses to create an endpoint without a token: a disabled channel never creates one
        component.setAuthorizationToken(properties.getAccessToken().isBlank() ? null : properties.getAccessToken());
        String base = properties.getGraphBaseUrl();
        component.setBaseUri(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        component.setApiVersion(properties.getApiVersion());
        // the component sets no timeout of its own: at least a refused or unreachable Graph API fails fast
        component.setClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        return component;
    }
}
