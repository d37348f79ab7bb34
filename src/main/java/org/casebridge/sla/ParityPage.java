package org.casebridge.sla;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Serves the parity page (static {@code parity.html}, no CDN: it runs where there is no internet) at {@code /parity}. */
@Configuration(proxyBeanMethods = false)
class ParityPage implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/parity").setViewName("forward:/parity.html");
    }
}
