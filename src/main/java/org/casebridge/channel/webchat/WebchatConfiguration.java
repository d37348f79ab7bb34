package org.casebridge.channel.webchat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.ops.ProblemWriter;
import org.casebridge.ops.RequestSizeLimitFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring of the web chat: its settings, and the CORS/rate and size filters in front of {@code /webchat/v1/}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebchatProperties.class)
class WebchatConfiguration {

    @Bean
    FilterRegistrationBean<WebchatCorsFilter> webchatCors(WebchatProperties properties, WebchatSites sites, WebchatRateLimiter limiter,
                                                          ObjectMapper mapper) {
        var registration = new FilterRegistrationBean<>(new WebchatCorsFilter(properties, sites, limiter, new ProblemWriter(mapper)));
        registration.addUrlPatterns("/webchat/v1/*");
        registration.setName("webchatCors");
        // before the size limit: a foreign origin is refused without reading anything
        registration.setOrder(-1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> webchatSizeLimit(WebchatProperties properties, ObjectMapper mapper) {
        var registration = new FilterRegistrationBean<>(new RequestSizeLimitFilter(properties.getMaxRequestSize().toBytes(), new ProblemWriter(mapper)));
        registration.addUrlPatterns("/webchat/v1/*");
        registration.setName("webchatSizeLimit");
        registration.setOrder(0);
        return registration;
    }
}
