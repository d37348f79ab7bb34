package org.casebridge.ops;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.casebridge.cases.CaseHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Passes the logged-in user's name to the admin routes in {@link CaseHeaders#ADMIN_USER} (for the merge audit),
 * replacing any such header the client sent.
 */
class AdminUserFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        String user = authentication == null || !authentication.isAuthenticated() ? null : authentication.getName();
        chain.doFilter(new UserRequest(request, user), response);
    }

    private static final class UserRequest extends HttpServletRequestWrapper {

        private final String user;

        UserRequest(HttpServletRequest request, String user) {
            super(request);
            this.user = user;
        }

        @Override
        public String getHeader(String name) {
            return CaseHeaders.ADMIN_USER.equalsIgnoreCase(name) ? user : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (CaseHeaders.ADMIN_USER.equalsIgnoreCase(name)) {
                return user == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(user));
            }
            return super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String name : Collections.list(super.getHeaderNames())) {
                if (!CaseHeaders.ADMIN_USER.equalsIgnoreCase(name)) {
                    names.add(name);
                }
            }
            if (user != null) {
                names.add(CaseHeaders.ADMIN_USER);
            }
            return Collections.enumeration(names);
        }
    }
}
