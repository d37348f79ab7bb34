package org.casebridge.support.faults;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only kill points (on the test classpath only, loaded by {@link FaultBridgeMain}): when a route step sends to an
 * endpoint whose URI contains {@code casebridge.faults.kill-at}, the {@code casebridge.faults.kill-after}-th time, the
 * JVM halts with 137 at once: {@link Runtime#halt} skips shutdown hooks, as SIGKILL does. The prefix says when:
 * {@code sending:} just before the step (e.g. during the publish: before the JMS send returns), {@code sent:} just after
 * it (e.g. after the insert: {@code sent:caseStore?method=recordInbound}).
 */
@Configuration(proxyBeanMethods = false)
public class KillPoints {

    /** Kill points the scenarios use, as {@code casebridge.faults.kill-at} values. */
    public static final String AFTER_INSERT = "sent:caseStore?method=recordInbound";
    public static final String DURING_PUBLISH = "sent:queue:casebridge.cases.new";
    public static final String AFTER_DELIVERY_RECORD = "sent:caseDeliveries?method=markDeliveredOnCommit";
    public static final String AFTER_SMTP_SEND = "sent:smtp:";
    public static final String AFTER_SLA_CLAIM = "sent:slaEvents?method=envelope";

    @Bean
    CamelContextConfiguration killPointNotifier(@Value("${casebridge.faults.kill-at:}") String at,
                                         @Value("${casebridge.faults.kill-after:1}") int after) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                if (!at.isBlank()) {
                    camel.getManagementStrategy().addEventNotifier(new Halt(at, after));
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }

    /** Halts the JVM at the chosen point. */
    static final class Halt extends EventNotifierSupport {
        private final boolean before;
        private final String uri;
        private final int after;
        private final AtomicInteger seen = new AtomicInteger();

        Halt(String at, int after) {
            this.before = at.startsWith("sending:");
            this.uri = at.substring(at.indexOf(':') + 1);
            this.after = after;
        }

        @Override
        public void notify(CamelEvent event) {
            String endpoint = event instanceof CamelEvent.ExchangeSendingEvent sending ? (before ? sending.getEndpoint().getEndpointUri() : null)
                    : event instanceof CamelEvent.ExchangeSentEvent sent ? (before ? null : sent.getEndpoint().getEndpointUri()) : null;
            if (endpoint != null && endpoint.contains(uri) && seen.incrementAndGet() == after) {
                System.out.println("KILL POINT " + uri + " reached: halt(137)");
                System.out.flush();
                Runtime.getRuntime().halt(137);
            }
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent;
        }
    }
}
