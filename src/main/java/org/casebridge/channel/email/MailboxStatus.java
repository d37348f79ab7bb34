package org.casebridge.channel.email;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What one mailbox's consumer last did, for its health and its metric: connected or not, waiting in IDLE or polling,
 * the last successful read, the last error, and the arrival time of the oldest mail not yet processed. Written by the
 * consumer's thread, read by health checks and metric scrapes.
 */
public final class MailboxStatus {

    /** How the consumer waits for mail while connected. */
    public enum Mode { IDLE, POLLING }

    private final String name;
    private final String auth;
    private volatile boolean connected;
    private volatile Mode mode;
    private volatile Instant connectedSince;
    private volatile Instant lastRead;
    private volatile Instant lastErrorAt;
    private volatile String lastError;
    private volatile Instant oldestUnread;

    MailboxStatus(String name, String auth) {
        this.name = name;
        this.auth = auth;
    }

    void connected(Mode mode, Instant at) {
        this.mode = mode;
        this.connectedSince = at;
        this.connected = true;
    }

    /** A batch was read: {@code oldest} is the arrival of the oldest mail still waiting, null when none. */
    void read(Instant at, Instant oldest) {
        this.lastRead = at;
        this.oldestUnread = oldest;
    }

    void failed(String error, Instant at) {
        this.connected = false;
        this.lastError = error;
        this.lastErrorAt = at;
    }

    void stopped() {
        this.connected = false;
    }

    public String name() { return name; }
    public String auth() { return auth; }
    public boolean isConnected() { return connected; }
    public Mode mode() { return mode; }
    public Instant connectedSince() { return connectedSince; }
    public Instant lastRead() { return lastRead; }
    public Instant lastErrorAt() { return lastErrorAt; }
    public String lastError() { return lastError; }

    /** Seconds the oldest unprocessed mail has waited (0 when none waits), for the gauge. */
    public double oldestUnreadAgeSeconds(Clock clock) {
        Instant oldest = oldestUnread;
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }
}
