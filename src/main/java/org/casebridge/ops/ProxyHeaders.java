package org.casebridge.ops;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.Locale;

/** Whether a request came through a reverse proxy: it names the original client or host in a forwarding header. */
final class ProxyHeaders {

    private ProxyHeaders() {
    }

    static boolean present(HttpServletRequest request) {
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("forwarded") || lower.startsWith("x-forwarded-") || lower.equals("x-real-ip")) {
                return true;
            }
        }
        return false;
    }
}
