package org.casebridge.channel.chat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.casebridge.ops.CachedBodyRequest;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Locale;

/**
 * Keeps the raw body of a form-encoded webhook for the route. The servlet container reads an
 * {@code application/x-www-form-urlencoded} POST into request parameters as soon as anything asks for one (Camel's
 * platform-http binding does), and the route then gets an empty body: but Twilio and Slack sign the form exactly as
 * sent, in order and with repeated keys, so the bytes themselves are read here first and handed on from memory.
 * Runs after the webhook size limit, so at most {@code casebridge.chat.max-webhook-size} is held. Registered once for
 * every webhook under {@code /webhooks/} ({@link ChatConfiguration}); JSON and other bodies pass untouched.
 */
public class RawBodyCachingFilter extends OncePerRequestFilter {

    private final long maxBytes;

    public RawBodyCachingFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the size filter before this one refused anything declared larger; an undeclared length is read up to the cap
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        chain.doFilter(new CachedBodyRequest(request, body), response);
    }
}
