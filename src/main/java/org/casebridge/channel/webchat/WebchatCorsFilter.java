package org.casebridge.channel.webchat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.casebridge.ops.ProblemWriter;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Locale;

/**
 * CORS for {@code /webchat/v1/**}, limited to the configured sites' origins: a preflight is answered here, a request
 * from any other origin is refused with a 403 problem before it reaches a route, and every POST counts against the
 * per-address rate limit. Which origin belongs to which site is checked again once the site is known.
 */
class WebchatCorsFilter extends OncePerRequestFilter {

    static final String ALLOWED_HEADERS = String.join(", ", "Content-Type", WebchatHeaders.SITE, WebchatHeaders.KEY,
            WebchatHeaders.TOKEN, "Last-Event-ID");

    private final WebchatProperties properties;
    private final WebchatSites sites;
    private final WebchatRateLimiter limiter;
    private final ProblemWriter problems;

    WebchatCorsFilter(WebchatProperties properties, WebchatSites sites, WebchatRateLimiter limiter, ProblemWriter problems) {
        this.properties = properties;
        this.sites = sites;
        this.limiter = limiter;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!properties.isEnabled()) {
            chain.doFilter(request, response);
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sites.anySiteAllows(origin)) {
            problems.write(request, response, new RejectedRequestException(403, "origin-not-allowed", "Origin not allowed",
                    "Origin " + origin + " is not an allowed origin of any web chat site."));
            return;
        }
        if (origin != null) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.addHeader("Vary", "Origin");
        }
        if (CorsUtils.isPreFlightRequest(request)) {
            String method = request.getHeader("Access-Control-Request-Method").toUpperCase(Locale.ROOT);
            if (!method.equals("GET") && !method.equals("POST")) {
                problems.write(request, response, new RejectedRequestException(403, "method-not-allowed", "Method not allowed",
                        "The web chat answers GET and POST only, not " + method + "."));
                return;
            }
            response.setHeader("Access-Control-Allow-Methods", "GET, POST");
            response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            response.setHeader("Access-Control-Max-Age", "600");
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if ("POST".equals(request.getMethod())) {
            try {
                limiter.hit("address:" + request.getRemoteAddr(), properties.getRateLimit().getPerAddress());
            } catch (RejectedRequestException limited) {
                problems.write(request, response, limited);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
