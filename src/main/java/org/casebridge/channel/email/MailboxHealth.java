package org.casebridge.channel.email;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code mailboxes} component of {@code /actuator/health}: one indicator per running mailbox consumer (UP while
 * connected, DEGRADED with the last error while it reconnects with back-off), and the gauge
 * {@code casebridge.email.oldest.unread.age} per mailbox (seconds the oldest mail not yet turned into a case has waited).
 */
@Component("mailboxesHealthContributor")
public class MailboxHealth implements CompositeHealthContributor {

    /**
     * A mailbox that cannot connect (server away, login or token refused) while it retries with back-off: ordered
     * above UP in management.endpoint.health.status.order, so /actuator/health shows it, but answered with HTTP 200,
     * because the bridge's other channels still work and a load balancer must not take it out of service for one mailbox.
     */
    public static final Status DEGRADED = new Status("DEGRADED");

    private final Map<String, MailboxStatus> statuses = new ConcurrentHashMap<>();
    private final ObjectProvider<MeterRegistry> meters;
    private final Clock clock = Clock.systemUTC();

    public MailboxHealth(ObjectProvider<MeterRegistry> meters) {
        this.meters = meters;
    }

    /** The status a mailbox's consumer writes to; one per mailbox name, registered with its gauge on first use. */
    MailboxStatus status(String mailbox, String auth) {
        return statuses.computeIfAbsent(mailbox, name -> {
            MailboxStatus status = new MailboxStatus(name, auth);
            MeterRegistry registry = meters.getIfAvailable();
            if (registry != null) {
                Gauge.builder("casebridge.email.oldest.unread.age", status, s -> s.oldestUnreadAgeSeconds(clock))
                        .description("Seconds the oldest mail not yet turned into a case has waited in the mailbox (0: none)")
                        .baseUnit("seconds").tag("mailbox", name).register(registry);
            }
            return status;
        });
    }

    /** The status of {@code mailbox}, or null when no consumer reads it. */
    public MailboxStatus find(String mailbox) {
        return statuses.get(mailbox);
    }

    @Override
    public HealthContributor getContributor(String name) {
        MailboxStatus status = statuses.get(name);
        return status == null ? null : indicator(status);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return statuses.values().stream()
                .map(status -> NamedContributor.<HealthContributor>of(status.name(), indicator(status)))
                .iterator();
    }

    private static HealthIndicator indicator(MailboxStatus status) {
        return () -> {
            Health.Builder health = status.isConnected() ? Health.up() : status.lastError() == null ? Health.unknown() : Health.status(DEGRADED);
            health.withDetail("connected", status.isConnected()).withDetail("auth", status.auth());
            if (status.mode() != null) {
                health.withDetail("mode", status.mode().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (status.connectedSince() != null) {
                health.withDetail("connectedSince", status.connectedSince().toString());
            }
            if (status.lastRead() != null) {
                health.withDetail("lastRead", status.lastRead().toString());
            }
            if (status.lastError() != null) {
                health.withDetail("lastError", status.lastError()).withDetail("lastErrorAt", status.lastErrorAt().toString());
            }
            return health.build();
        };
    }
}
