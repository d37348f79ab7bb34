package org.casebridge.channel.webchat;

import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/** Removes what the web chat no longer needs (route {@code webchat-visitor-expiry}). */
@Component("webchatHousekeeping")
public class WebchatHousekeeping {

    private final WebchatProperties properties;
    private final WebchatOutbox outbox;
    private final WebchatVisitors visitors;
    private final WebchatRateLimiter limiter;
    private final Clock clock;

    public WebchatHousekeeping(WebchatProperties properties, WebchatOutbox outbox, WebchatVisitors visitors, WebchatRateLimiter limiter, Clock clock) {
        this.clock = clock;
        this.properties = properties;
        this.outbox = outbox;
        this.visitors = visitors;
        this.limiter = limiter;
    }

    /** Route step: removes expired replies, unseen visitors and finished rate windows. Returns how many rows. */
    public int sweep() {
        Instant now = clock.instant();
        return outbox.forgetEventsBefore(now.minus(properties.getEventRetention()))
                + visitors.forgetUnseenSince(now.minus(properties.getVisitorRetention()))
                + limiter.forgetWindowsBefore(now.minus(properties.getRateLimit().getWindow().multipliedBy(2)));
    }
}
