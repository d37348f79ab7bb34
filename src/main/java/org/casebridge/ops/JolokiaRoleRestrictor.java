package org.casebridge.ops;

import org.jolokia.server.core.restrictor.AllowAllRestrictor;
import org.jolokia.server.core.restrictor.RestrictorFactory;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import javax.management.ObjectName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Jolokia's access policy by the logged-in user's role (Jolokia instantiates it: {@code management.endpoint.jolokia.
 * config.restrictorClass}). A viewer may only read, list and search; an operator may also run operations on Camel
 * (route start/stop) and ActiveMQ (message move, retry, purge) MBeans; an admin anything. Below it, the fixed
 * policy in {@code jolokia-access.xml} applies to everyone.
 */
public class JolokiaRoleRestrictor implements Restrictor {

    private static final Set<RequestType> READ_ONLY = Set.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH, RequestType.VERSION);
    private static final Set<String> OPERATOR_DOMAINS = Set.of("org.apache.camel", "org.apache.activemq");

    private final Restrictor policy;

    public JolokiaRoleRestrictor() {
        Restrictor loaded;
        try {
            loaded = RestrictorFactory.lookupPolicyRestrictor("classpath:/jolokia-access.xml");
        } catch (IOException e) {
            throw new UncheckedIOException("jolokia-access.xml cannot be read", e);
        }
        this.policy = loaded == null ? new AllowAllRestrictor() : loaded;
    }

    private static Authentication user() {
        return SecurityContextHolder.getContext().getAuthentication();
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return policy.isHttpMethodAllowed(method);
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        if (!policy.isTypeAllowed(type)) {
            return false;
        }
        if (READ_ONLY.contains(type)) {
            return AdminRole.holds(user(), AdminRole.VIEWER);
        }
        if (type == RequestType.EXEC) {
            return AdminRole.holds(user(), AdminRole.OPERATOR);
        }
        return AdminRole.holds(user(), AdminRole.ADMIN);
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return AdminRole.holds(user(), AdminRole.VIEWER) && policy.isAttributeReadAllowed(name, attribute);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return AdminRole.holds(user(), AdminRole.ADMIN) && policy.isAttributeWriteAllowed(name, attribute);
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        Authentication user = user();
        boolean byRole = AdminRole.holds(user, AdminRole.ADMIN)
                || AdminRole.holds(user, AdminRole.OPERATOR) && OPERATOR_DOMAINS.contains(name.getDomain());
        return byRole && policy.isOperationAllowed(name, operation);
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return policy.isRemoteAccessAllowed(hostOrAddress);
    }

    /**
     * Only the bridge's own pages (Hawtio) may call Jolokia from a browser: a request from a page on another origin is
     * refused, so no other site can read or drive Jolokia with a logged-in administrator's cached credentials.
     * Requests without an Origin (scripts, same-origin GETs) pass.
     */
    @Override
    public boolean isOriginAllowed(String origin, boolean strictCheck) {
        if (origin == null) {
            return policy.isOriginAllowed(null, strictCheck);
        }
        var attributes = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof org.springframework.web.context.request.ServletRequestAttributes servlet)) {
            return false;
        }
        String host = servlet.getRequest().getHeader("Host");
        try {
            String authority = java.net.URI.create(origin.strip()).getRawAuthority();
            return host != null && authority != null && authority.equalsIgnoreCase(host.strip()) && policy.isOriginAllowed(origin, strictCheck);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return policy.isObjectNameHidden(name);
    }
}
