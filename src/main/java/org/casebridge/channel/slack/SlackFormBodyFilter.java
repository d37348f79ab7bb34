package org.casebridge.channel.slack;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps the raw bytes of Slack's form-encoded calls (interactions, slash commands) for the route. Slack signs the
 * body exactly as sent, but platform-http on Spring Boot treats a form POST as already read by the servlet container
 * and hands the route its parameters instead of its bytes. Seen through this filter, the request is an opaque body
 * (its real type stays in the {@code Content-Type} header) whose bytes nobody parses before the route reads them.
 */
class SlackFormBodyFilter extends OncePerRequestFilter {

    static final String FORM = "application/x-www-form-urlencoded";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        String type = request.getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            chain.doFilter(new OpaqueBody(request), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    /** The request with its form body left as bytes: no parameters from the body, an opaque content type. */
    private static final class OpaqueBody extends HttpServletRequestWrapper {

        OpaqueBody(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getContentType() {
            return "application/octet-stream";
        }

        // Slack sends no query parameters; the body's must not be parsed away before the route reads the bytes
        @Override
        public String getParameter(String name) {
            return null;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return Map.of();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public String[] getParameterValues(String name) {
            return null;
        }
    }
}
