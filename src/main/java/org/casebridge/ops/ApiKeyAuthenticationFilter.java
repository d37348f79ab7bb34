package org.casebridge.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Authenticates API clients by their key ({@code X-Api-Key}, or {@code Authorization: Bearer}). The key never travels
 * further: the request reaching the routes carries the client's id in {@link CaseHeaders#CLIENT_ID} instead, and a
 * client cannot set that header itself.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthenticationFilter.class);
    static final String API_KEY_HEADER = "X-Api-Key";
    private static final Set<String> HIDDEN = Set.of(API_KEY_HEADER.toLowerCase(Locale.ROOT), "authorization",
            CaseHeaders.CLIENT_ID.toLowerCase(Locale.ROOT), "cookie");

    private final ApiClients clients;
    private final ProblemWriter problems;

    ApiKeyAuthenticationFilter(ApiClients clients, ProblemWriter problems) {
        this.clients = clients;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(API_KEY_HEADER);
        String authorization = request.getHeader("Authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7);
        }
        if (key == null) {
            chain.doFilter(request, response);
            return;
        }
        var client = clients.byKey(key);
        if (client.isEmpty()) {
            // log the attempt, never the key or the body
            LOG.warn("Refused API request with an unknown key: {} {} from {}", request.getMethod(), request.getRequestURI(),
                    request.getRemoteAddr());
            problems.write(request, response, new RejectedRequestException(401, "unauthorized", "Unknown API key",
                    "The API key is not known to this bridge."));
            return;
        }
        if (clients.isDemoKey(key) && ProxyHeaders.present(request)) {
            // the example keys are printed in config/application.yaml: good for trying the bridge on one's own
            // machine, never for requests from the network, which reach a loopback-only bridge through a proxy
            LOG.warn("Refused API request through a proxy with an example key: {} {}", request.getMethod(), request.getRequestURI());
            problems.write(request, response, new RejectedRequestException(401, "example-key", "Example API key refused",
                    "The example keys from config/application.yaml work only for local requests, not through a proxy:"
                            + " give the client its own key."));
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(client.get().id(), null,
                List.of(new SimpleGrantedAuthority("ROLE_API_CLIENT")));
        SecurityContextHolder.getContext().setAuthentication(authentication);
        chain.doFilter(new AuthenticatedRequest(request, client.get().id()), response);
    }

    /** The request as the routes see it: credentials removed, the client id added. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {

        private final String clientId;

        AuthenticatedRequest(HttpServletRequest request, String clientId) {
            super(request);
            this.clientId = clientId;
        }

        @Override
        public String getHeader(String name) {
            if (CaseHeaders.CLIENT_ID.equalsIgnoreCase(name)) {
                return clientId;
            }
            return HIDDEN.contains(name.toLowerCase(Locale.ROOT)) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (CaseHeaders.CLIENT_ID.equalsIgnoreCase(name)) {
                return Collections.enumeration(List.of(clientId));
            }
            return HIDDEN.contains(name.toLowerCase(Locale.ROOT)) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String name : Collections.list(super.getHeaderNames())) {
                if (!HIDDEN.contains(name.toLowerCase(Locale.ROOT))) {
                    names.add(name);
                }
            }
            names.add(CaseHeaders.CLIENT_ID);
            return Collections.enumeration(names);
        }
    }
}
