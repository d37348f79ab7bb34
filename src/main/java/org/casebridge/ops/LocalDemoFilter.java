package org.casebridge.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * The demo web chat page is for trying the bridge on one's own machine: it is refused when the server listens off
 * loopback or the request came through a reverse proxy, where it would let anyone open cases.
 */
class LocalDemoFilter extends OncePerRequestFilter {

    private final boolean loopbackOnly;
    private final ProblemWriter problems;

    LocalDemoFilter(boolean loopbackOnly, ProblemWriter problems) {
        this.loopbackOnly = loopbackOnly;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (loopbackOnly && !ProxyHeaders.present(request)) {
            chain.doFilter(request, response);
            return;
        }
        problems.write(request, response, new RejectedRequestException(404, "not-found", "Not found",
                "The demo page is served only on a loopback-only bridge, not through a proxy."));
    }
}
