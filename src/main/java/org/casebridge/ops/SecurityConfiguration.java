package org.casebridge.ops;

import org.casebridge.shared.RejectedRequestException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

import java.net.InetAddress;
import java.util.UUID;

/**
 * Who may call what. API clients authenticate with their key on {@code /api/v1}. Hawtio, actuator and the admin API
 * are open only while the server listens on loopback (the default profile); on any other address they require the
 * administrator's password, and the bridge refuses to start without one.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final String[] ADMIN_PATHS = {"/actuator/**", "/api/v1/admin/**"};

    /** True when the HTTP server listens on a loopback address only. */
    static boolean isLoopbackOnly(ServerProperties server) {
        InetAddress address = server.getAddress();
        return address != null && address.isLoopbackAddress();
    }

    private static RequestMatcher paths(String... patterns) {
        PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(java.util.Arrays.stream(patterns).<RequestMatcher>map(builder::matcher).toList());
    }

    @Bean
    @Order(1)
    SecurityFilterChain adminSecurity(HttpSecurity http, ServerProperties server) throws Exception {
        // path patterns, not MVC matchers: Hawtio and Jolokia are servlets of their own, outside Spring MVC
        http.securityMatcher(paths(ADMIN_PATHS))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        if (isLoopbackOnly(server)) {
            http.authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll());
        } else {
            http.authorizeHttpRequests(authorize -> authorize
                            .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                            .requestMatchers(paths("/actuator/health", "/actuator/health/**")).permitAll()
                            .anyRequest().hasRole("ADMIN"))
                    .httpBasic(Customizer.withDefaults());
        }
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiClients clients, ObjectMapper mapper, ServerProperties server) throws Exception {
        if (!isLoopbackOnly(server) && !clients.clientsWithDemoKeys().isEmpty()) {
            throw new IllegalStateException("The HTTP server listens on " + (server.getAddress() == null ? "all interfaces" : server.getAddress())
                    + " but API clients " + clients.clientsWithDemoKeys() + " still use the example keys from config/application.yaml:"
                    + " give them their own keys (CASEBRIDGE_DEMO_API_KEY, CASEBRIDGE_DEMO_BACKOFFICE_KEY, or your own clients)");
        }
        ProblemWriter problems = new ProblemWriter(mapper);
        return http.securityMatcher(paths("/api/**"))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new ApiKeyAuthenticationFilter(clients, problems), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(authorize -> authorize
                        // routes answer on an async dispatch; the request was authorised on its way in
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        // the expected waits are published to customers (README "SLA, triage and response times")
                        .requestMatchers(paths("/api/v1/response-times")).permitAll()
                        .anyRequest().hasRole("API_CLIENT"))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> problems.write(request, response,
                                new RejectedRequestException(401, "unauthorized", "API key required",
                                        "Send the client's API key in the X-Api-Key header.",
                                        java.util.List.of(), java.util.Map.of("WWW-Authenticate", "Bearer"))))
                        .accessDeniedHandler((request, response, e) -> problems.write(request, response,
                                new RejectedRequestException(403, "forbidden", "Forbidden", "This client may not call " + request.getRequestURI() + "."))))
                .build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain otherSecurity(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @Bean
    UserDetailsService administrators(CasebridgeProperties properties, ServerProperties server) {
        CasebridgeProperties.Admin admin = properties.getAdmin();
        String password = admin.getPassword();
        if (password == null || password.isBlank()) {
            if (!isLoopbackOnly(server)) {
                throw new IllegalStateException("The HTTP server listens on " + (server.getAddress() == null ? "all interfaces" : server.getAddress())
                        + ": set casebridge.admin.password (e.g. CASEBRIDGE_ADMIN_PASSWORD) to protect Hawtio, actuator and the admin API");
            }
            password = UUID.randomUUID().toString(); // loopback needs no login; no guessable default either
        }
        String encoded = password.startsWith("{") ? password
                : PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password);
        LOG.info("Admin endpoints {}", isLoopbackOnly(server) ? "open on loopback" : "require user '" + admin.getUsername() + "'");
        return new InMemoryUserDetailsManager(User.withUsername(admin.getUsername()).password(encoded).roles("ADMIN").build());
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimit(CasebridgeProperties properties, ObjectMapper mapper) {
        var registration = new FilterRegistrationBean<>(
                new RequestSizeLimitFilter(properties.getApi().getMaxRequestSize().toBytes(), new ProblemWriter(mapper)));
        registration.addUrlPatterns("/api/*");
        // after Spring Security (order -100): bodies of unauthenticated requests are never read
        registration.setOrder(0);
        return registration;
    }
}
