package org.casebridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Refuses to start with a broken flow: before Camel loads {@code routes/}, the {@link RouteFileChecker} must find
 * nothing wrong, so a route without id or description or with an undefined placeholder stops the bridge with the
 * file and line, instead of failing on the first message. The same holds for the kamelets in {@code routes/kamelets}
 * and the parameters flows give them ({@link KameletChecker}).
 */
@Configuration(proxyBeanMethods = false)
class RouteFilesConfiguration {

    @Bean
    CamelContextConfiguration routeFilesCheck(Environment environment,
                                              @Value("${camel.main.routes-reload-directory:routes}") String routesDir) {
        String kamelets = environment.getProperty("casebridge.backoffice.kamelets-location", "file:routes/kamelets");
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                List<RouteFileChecker.Finding> findings = new java.util.ArrayList<>(new RouteFileChecker(environment).checkFolder(Path.of(routesDir)));
                // the route templates the kamelet component loads (a folder), and the parameters the flows give them
                if (kamelets.startsWith("file:") && !kamelets.contains(",")) {
                    findings.addAll(new KameletChecker(environment).check(Path.of(kamelets.substring("file:".length())), List.of(Path.of(routesDir))));
                }
                if (!findings.isEmpty()) {
                    throw new IllegalStateException("Route files in " + routesDir + " are invalid:\n  "
                            + findings.stream().map(Object::toString).collect(Collectors.joining("\n  ")));
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
            }
        };
    }
}
