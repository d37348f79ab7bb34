package org.casebridge.channel.email;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** What a mailbox's health and its oldest-unread gauge report from what the consumer recorded. */
class MailboxStatusTests {

    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void theGaugeIsTheAgeOfTheOldestWaitingMailAndZeroOnceDrained() {
        MailboxStatus status = new MailboxStatus("support", "oauth2");
        assertThat(status.oldestUnreadAgeSeconds(clock)).isZero();

        status.read(NOW, NOW.minusSeconds(90));
        assertThat(status.oldestUnreadAgeSeconds(clock)).isEqualTo(90.0);

        status.read(NOW, null);
        assertThat(status.oldestUnreadAgeSeconds(clock)).isZero();
    }

    @Test
    void aMailboxThatCannotConnectIsDegradedWithItsErrorAndUpOnceConnected() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("meters", meters);
        MailboxHealth health = new MailboxHealth(beans.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class));
        MailboxStatus status = health.status("support", "oauth2");
        assertThat(meters.find("casebridge.email.oldest.unread.age").tag("mailbox", "support").gauge()).isNotNull();

        status.failed("XOAUTH2 login as support@housing.example refused with a fresh token", NOW);
        var degraded = ((org.springframework.boot.actuate.health.HealthIndicator) health.getContributor("support")).health();
        assertThat(degraded.getStatus()).isEqualTo(MailboxHealth.DEGRADED);
        assertThat(degraded.getDetails()).containsEntry("connected", false).containsEntry("auth", "oauth2")
                .containsEntry("lastError", "XOAUTH2 login as support@housing.example refused with a fresh token");

        status.connected(MailboxStatus.Mode.IDLE, NOW);
        var up = ((org.springframework.boot.actuate.health.HealthIndicator) health.getContributor("support")).health();
        assertThat(up.getStatus().getCode()).isEqualTo("UP");
        assertThat(up.getDetails()).containsEntry("mode", "idle");
    }
}
