package org.casebridge.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses requests for a host name the bridge does not serve ({@code casebridge.http.allowed-hosts}, when set):
 * links the bridge builds from the Host header and DNS-rebinding pages then cannot point elsewhere.
 */
class HostHeaderFilter extends OncePerRequestFilter {

    private final Set<String> allowed;
    private final ProblemWriter problems;

    HostHeaderFilter(List<String> allowed, ProblemWriter problems) {
        this.allowed = allowed.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).collect(Collectors.toSet());
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (allowed.isEmpty() || isAllowed(request.getHeader("Host"))) {
            chain.doFilter(request, response);
            return;
        }
        problems.write(request, response, new RejectedRequestException(421, "unknown-host", "Unknown host",
                "This bridge does not serve that host name."));
    }

    private boolean isAllowed(String host) {
        if (host == null) {
            return false;
        }
        String value = host.strip().toLowerCase(Locale.ROOT);
        if (allowed.contains(value)) {
            return true;
        }
        int colon = value.lastIndexOf(':');
        return colon > 0 && !value.endsWith("]") && allowed.contains(value.substring(0, colon));
    }
}
