package org.casebridge.channel.email;

import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import org.apache.camel.component.mail.MailAuthenticator;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * The {@code outbox} component of {@code /actuator/health}: connects to the outbox's SMTP server and logs in exactly as
 * a reply does (password or XOAUTH2 token), like Spring Boot's own mail health check. The answer is kept for a minute,
 * so probes every few seconds do not open an SMTP session each (Microsoft 365 throttles them).
 */
@Component("outboxHealthIndicator")
class OutboxHealth implements HealthIndicator {

    private static final Duration KEEP = Duration.ofMinutes(1);

    private final OutboxProperties outbox;
    private final MailAuthenticator authenticator;
    private final Properties mailProperties;
    private final Clock clock = Clock.systemUTC();
    private volatile Health last;
    private volatile Instant checkedAt = Instant.MIN;
    private volatile Instant lastSuccess;

    OutboxHealth(OutboxProperties outbox, @Qualifier("outboxAuthenticator") MailAuthenticator outboxAuthenticator,
                 @Qualifier("outboxMailProperties") Properties outboxMailProperties) {
        this.outbox = outbox;
        this.authenticator = outboxAuthenticator;
        this.mailProperties = outboxMailProperties;
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        Health cached = last;
        if (cached != null && now.isBefore(checkedAt.plus(KEEP))) {
            return cached;
        }
        synchronized (this) {
            if (last != null && clock.instant().isBefore(checkedAt.plus(KEEP))) {
                return last;
            }
            last = check(now);
            checkedAt = now;
            return last;
        }
    }

    private Health check(Instant now) {
        Health.Builder health;
        String error = null;
        Properties properties = new Properties();
        properties.putAll(mailProperties);
        properties.setProperty("mail." + outbox.getProtocol() + ".auth", String.valueOf(outbox.hasLogin()));
        try (Transport transport = Session.getInstance(properties).getTransport(outbox.getProtocol())) {
            PasswordAuthentication login = authenticator.getPasswordAuthentication();
            transport.connect(outbox.getHost(), outbox.getPort(), login.getUserName(), login.getPassword());
            lastSuccess = now;
            health = Health.up();
        } catch (Exception e) {
            health = Health.status(MailboxHealth.DEGRADED); // replies wait for redelivery, the rest of the bridge works
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        health.withDetail("server", outbox.getProtocol() + "://" + outbox.getHost() + ":" + outbox.getPort())
                .withDetail("auth", !outbox.hasLogin() ? "none" : outbox.isOAuth2() ? "oauth2" : "password")
                .withDetail("checkedAt", now.toString());
        if (lastSuccess != null) {
            health.withDetail("lastSuccess", lastSuccess.toString());
        }
        if (error != null) {
            health.withDetail("lastError", error);
        }
        return health.build();
    }
}
