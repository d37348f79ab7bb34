package org.casebridge.ops;

import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

import java.util.Locale;

/**
 * The three roles of the admin surfaces, each including the one below: {@code viewer} reads (Hawtio, Jolokia read,
 * metrics, parity), {@code operator} also acts on routes and queues (start/stop, dead-letter replay, message move),
 * {@code admin} also sees and changes customers (merge, erasure) and may do everything.
 */
enum AdminRole {
    VIEWER, OPERATOR, ADMIN;

    /** The Spring Security role name ({@code ROLE_} prefix left to Spring). */
    String role() {
        return name();
    }

    static AdminRole parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("Unknown admin role '" + value + "': the roles are viewer, operator and admin");
        }
    }

    static RoleHierarchy hierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix().role(ADMIN.name()).implies(OPERATOR.name())
                .role(OPERATOR.name()).implies(VIEWER.name()).build();
    }

    /** Whether {@code authentication} holds {@code role} (directly or through a higher role). */
    static boolean holds(Authentication authentication, AdminRole role) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return false;
        }
        return hierarchy().getReachableGrantedAuthorities(authentication.getAuthorities()).stream()
                .map(GrantedAuthority::getAuthority).anyMatch(("ROLE_" + role.name())::equals);
    }
}
