package org.casebridge.ops;

import org.casebridge.shared.RejectedRequestException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.MimeType;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may call what. API clients authenticate with their key on {@code /api/v1}. Hawtio, Jolokia, actuator (but
 * health and, if so configured, prometheus) and the admin API always require a login, whatever address the server
 * listens on: a reverse proxy on the same host would otherwise make "loopback only" public. Users hold one of three
 * roles ({@link AdminRole}); Jolokia applies them per request ({@link JolokiaRoleRestrictor}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);
    /** The parity page is here too: its script reads /api/v1/admin/parity with the login the page was opened with. */
    private static final String[] ADMIN_PATHS = {"/actuator/**", "/api/v1/admin/**", "/parity", "/parity.html"};
    /** Content types a cross-site HTML form can send without a CORS preflight: such requests need a CSRF token. */
    private static final Set<String> SIMPLE_CONTENT_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data", "text/plain");

    /** True when the HTTP server listens on a loopback address only. */
    static boolean isLoopbackOnly(ServerProperties server) {
        InetAddress address = server.getAddress();
        return address != null && address.isLoopbackAddress();
    }

    private static RequestMatcher paths(String... patterns) {
        PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(java.util.Arrays.stream(patterns).<RequestMatcher>map(builder::matcher).toList());
    }

    private static RequestMatcher paths(HttpMethod method, String... patterns) {
        PathPatternRequestMatcher.Builder builder = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(java.util.Arrays.stream(patterns).<RequestMatcher>map(p -> builder.matcher(method, p)).toList());
    }

    /**
     * Requests a browser on another site cannot make without a CORS preflight (which the admin paths never grant):
     * a JSON body, or a header of our own. They are no cross-site request forgery; every other state change on the
     * admin paths must carry the CSRF token (cookie {@code XSRF-TOKEN}, header {@code X-XSRF-TOKEN}).
     */
    static boolean cannotBeForgedCrossSite(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        try {
            MimeType mime = MimeType.valueOf(type);
            return !SIMPLE_CONTENT_TYPES.contains((mime.getType() + "/" + mime.getSubtype()).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return AdminRole.hierarchy();
    }

    @Bean
    @Order(1)
    SecurityFilterChain adminSecurity(HttpSecurity http, CasebridgeProperties properties,
                                      ObjectProvider<ClientRegistrationRepository> oidc) throws Exception {
        CasebridgeProperties.Admin admin = properties.getAdmin();
        boolean oidcLogin = oidc.getIfAvailable() != null;
        CsrfTokenRequestAttributeHandler tokens = new CsrfTokenRequestAttributeHandler();
        tokens.setCsrfRequestAttributeName(null); // load the token on every request, so the cookie is always there
        // path patterns, not MVC matchers: Hawtio and Jolokia are servlets of their own, outside Spring MVC
        http.securityMatcher(paths(ADMIN_PATHS))
                .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(tokens)
                        .ignoringRequestMatchers(SecurityConfiguration::cannotBeForgedCrossSite))
                .sessionManagement(session -> session.sessionCreationPolicy(oidcLogin ? SessionCreationPolicy.IF_REQUIRED
                        : SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(authorize -> {
                    authorize.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
                    if (admin.isPublicHealth()) {
                        authorize.requestMatchers(paths(HttpMethod.GET, "/actuator/health", "/actuator/health/**")).permitAll();
                    }
                    if (admin.isPublicPrometheus()) {
                        authorize.requestMatchers(paths(HttpMethod.GET, "/actuator/prometheus")).permitAll();
                    }
                    // what each role may do inside Jolokia is JolokiaRoleRestrictor's decision
                    authorize.requestMatchers(paths("/actuator/hawtio", "/actuator/hawtio/**", "/actuator/jolokia", "/actuator/jolokia/**"))
                            .hasRole(AdminRole.VIEWER.role())
                            .requestMatchers(paths(HttpMethod.GET, "/actuator/**", "/api/v1/admin/parity", "/parity", "/parity.html")).hasRole(AdminRole.VIEWER.role())
                            .requestMatchers(paths("/api/v1/admin/dlq/**")).hasRole(AdminRole.OPERATOR.role())
                            .anyRequest().hasRole(AdminRole.ADMIN.role());
                })
                .httpBasic(Customizer.withDefaults())
                .addFilterAfter(new AdminUserFilter(), BasicAuthenticationFilter.class);
        if (oidcLogin) {
            http.oauth2Login(login -> login.userInfoEndpoint(info -> info.userAuthoritiesMapper(oidcRoles(admin))));
        }
        return http.build();
    }

    /** OIDC users get the role configured for their e-mail address or subject, and none otherwise. */
    static GrantedAuthoritiesMapper oidcRoles(CasebridgeProperties.Admin admin) {
        Map<String, AdminRole> roles = new LinkedHashMap<>();
        admin.getOidcUsers().forEach((user, role) -> roles.put(user.strip().toLowerCase(Locale.ROOT), AdminRole.parse(role)));
        return (Collection<? extends GrantedAuthority> authorities) -> {
            List<GrantedAuthority> mapped = new ArrayList<>();
            for (GrantedAuthority authority : authorities) {
                if (authority instanceof OidcUserAuthority user) {
                    for (String key : new String[] {user.getIdToken().getEmail(), user.getIdToken().getSubject()}) {
                        AdminRole role = key == null ? null : roles.get(key.toLowerCase(Locale.ROOT));
                        if (role != null) {
                            mapped.add(new SimpleGrantedAuthority("ROLE_" + role.role()));
                        }
                    }
                }
            }
            return mapped;
        };
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
                // API clients send their key in a header, never a cookie: nothing for a forged request to ride on
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new ApiKeyAuthenticationFilter(clients, problems), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(authorize -> authorize
                        // routes answer on an async dispatch; the request was authorised on its way in
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        // the expected waits are published to customers (docs/sla.md)
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
        // webhooks (signed by their platform), the web chat widget and the public pages: no session, no cookie login
        return http.authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /**
     * The users of the admin surfaces: {@code casebridge.admin.username} with role admin, and
     * {@code casebridge.admin.users}. Without a configured password on loopback, one is generated at first start,
     * printed once and kept hashed in {@code <data-dir>/secrets/admin.password}; off loopback the bridge refuses to
     * start without one.
     */
    @Bean
    UserDetailsService administrators(CasebridgeProperties properties, ServerProperties server) {
        CasebridgeProperties.Admin admin = properties.getAdmin();
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        String password = admin.getPassword();
        String encoded;
        if (password == null || password.isBlank()) {
            if (!isLoopbackOnly(server)) {
                throw new IllegalStateException("The HTTP server listens on " + (server.getAddress() == null ? "all interfaces" : server.getAddress())
                        + ": set casebridge.admin.password (e.g. CASEBRIDGE_ADMIN_PASSWORD) to protect Hawtio, actuator and the admin API");
            }
            encoded = GeneratedSecrets.readOrGenerate(properties.getDataDir(), "admin.password",
                    "password of admin user '" + admin.getUsername() + "'", encoder::encode).stored();
        } else {
            encoded = password.startsWith("{") ? password : encoder.encode(password);
        }
        List<UserDetails> users = new ArrayList<>();
        users.add(User.withUsername(admin.getUsername()).password(encoded).roles(AdminRole.ADMIN.role()).build());
        for (CasebridgeProperties.AdminUser user : admin.getUsers()) {
            if (user.getUsername() == null || user.getUsername().isBlank() || user.getPassword() == null || user.getPassword().isBlank()) {
                throw new IllegalStateException("casebridge.admin.users: every user needs a username and a password (or its hash)");
            }
            String hash = user.getPassword().startsWith("{") ? user.getPassword() : encoder.encode(user.getPassword());
            users.add(User.withUsername(user.getUsername()).password(hash).roles(AdminRole.parse(user.getRole()).role()).build());
        }
        LOG.info("Admin endpoints require a login: {} user(s)", users.size());
        return new InMemoryUserDetailsManager(users);
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

    @Bean
    FilterRegistrationBean<HostHeaderFilter> hostHeaderCheck(CasebridgeProperties properties, ObjectMapper mapper) {
        var registration = new FilterRegistrationBean<>(new HostHeaderFilter(properties.getHttp().getAllowedHosts(), new ProblemWriter(mapper)));
        registration.addUrlPatterns("/*");
        // before Spring Security: a request for another host name is not ours to answer at all
        registration.setOrder(-200);
        return registration;
    }

    @Bean
    FilterRegistrationBean<LocalDemoFilter> localDemoOnly(ServerProperties server, ObjectMapper mapper) {
        var registration = new FilterRegistrationBean<>(new LocalDemoFilter(isLoopbackOnly(server), new ProblemWriter(mapper)));
        registration.addUrlPatterns("/webchat/demo.html");
        registration.setOrder(-150);
        return registration;
    }
}
