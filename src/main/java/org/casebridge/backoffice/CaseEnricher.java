package org.casebridge.backoffice;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.Enrichment;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Recipients;
import org.casebridge.cases.Trust;
import org.casebridge.customers.CustomerCases;
import org.casebridge.customers.IdentityStore;
import org.casebridge.ops.CasebridgeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Content enricher for inbound messages, run at intake after threading: records the sender's identities in the
 * {@link IdentityStore}, looks the customer up in the housing system (by email, phone, then platform handle) and fills
 * in {@code customerId}, {@code tenancyRef}, {@code propertyRef} and {@code flags}.
 * <p>
 * A webhook or HTTP sender is waiting, so the lookup is bounded: one time budget for all its attempts, a circuit
 * breaker that stops asking a failing housing system, and a shared cache with a TTL. When the housing system is down
 * or slow the case goes on un-enriched, marked {@code customer.enrichment.status: unavailable}; it is never held back.
 * <p>
 * Only a verified sender ({@code trust.verified}: a signed platform call, a trusted back-office client) is looked up:
 * an unverified one (email today, a public web form) gets no housing record and no verified identity links, and its
 * Reply-To counts only within its own domain; {@code trust.reason} says so.
 * <p>
 * A new case whose customer already has an open case (on any channel, through any link) names it in
 * {@code thread.possiblyRelatedTo}; it never joins it here (see {@link org.casebridge.customers.JoiningRule#mayJoin}).
 */
@Component("caseEnricher")
public class CaseEnricher {

    private static final Logger LOG = LoggerFactory.getLogger(CaseEnricher.class);

    private final EnrichmentProperties properties;
    private final HousingLookup lookup;
    private final EnrichmentCache cache;
    private final IdentityStore identities;
    private final CustomerCases customerCases;
    private final boolean recordSenders;
    private final boolean relateOpenCases;
    private final String phoneRegion;
    private final CircuitBreaker breaker;
    private final ThreadPoolExecutor executor;
    private final MeterRegistry meters;
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final Clock clock;

    public CaseEnricher(EnrichmentProperties properties, ObjectProvider<HousingLookup> lookup, EnrichmentCache cache,
                        IdentityStore identities, CustomerCases customerCases, CasebridgeProperties casebridge, ObjectProvider<MeterRegistry> meters,
                        @Value("${casebridge.identity.record-senders:true}") boolean recordSenders,
                        @Value("${casebridge.identity.relate-open-cases:true}") boolean relateOpenCases, Clock clock) {
        this.clock = clock;
        this.properties = properties;
        this.lookup = properties.isEnabled() ? lookup.getIfAvailable() : null;
        this.cache = cache;
        this.identities = identities;
        this.customerCases = customerCases;
        this.recordSenders = recordSenders;
        this.relateOpenCases = relateOpenCases;
        this.phoneRegion = casebridge.getApi().getDefaultPhoneRegion();
        this.meters = meters.getIfAvailable();
        EnrichmentProperties.CircuitBreaker settings = properties.getCircuitBreaker();
        this.breaker = CircuitBreaker.of("housing-lookup", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.getSlidingWindowSize())
                .minimumNumberOfCalls(settings.getMinimumNumberOfCalls())
                .failureRateThreshold(settings.getFailureRateThreshold())
                .waitDurationInOpenState(settings.getWaitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(settings.getPermittedCallsInHalfOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
        this.breaker.getEventPublisher().onStateTransition(event -> LOG.warn("Housing system lookup circuit breaker: {}",
                event.getStateTransition()));
        AtomicInteger threads = new AtomicInteger();
        // no queue: a lookup either starts at once or the case goes on un-enriched; waiting in line would eat the budget
        this.executor = new ThreadPoolExecutor(0, Math.max(1, properties.getMaxConcurrentLookups()), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "housing-lookup-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** The circuit breaker around the housing system lookup (for health and tests). */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /**
     * Route step: works on the {@link Case} in {@link CaseHeaders#CASE_PROPERTY}. Inbound customer messages only;
     * outbound messages, auto-replies and bounces pass untouched.
     */
    public void enrich(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (value == null) {
            throw new IllegalStateException("No case on the exchange (property " + CaseHeaders.CASE_PROPERTY + ")");
        }
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, enrich(value));
    }

    /** The case with its customer looked up and its sender recorded. */
    public Case enrich(Case message) {
        Case value = message;
        if (value.direction() != Direction.INBOUND || value.kind() != MessageKind.MESSAGE || value.customer() == null) {
            // auto-replies and bounces come from machines: they say nothing about who the customer is
            return value;
        }
        Optional<String> customer = recordSenders ? recordSender(value) : Optional.empty();
        Customer enriched = value.customer();
        boolean verified = value.trust() != null && value.trust().verified();
        value = gateReplyTo(value, verified);
        if (lookup != null && !verified) {
            // anyone can type a tenant's address into a web form or an email's From: the tenant's housing record and
            // their verified identity links are never attached on the sender's word alone
            value = value.withTrust(value.trust() == null ? new Trust(false, "none", NOT_LOOKED_UP) : value.trust().because(NOT_LOOKED_UP));
        } else if (lookup != null) {
            Outcome outcome;
            try {
                outcome = lookUp(value.channel(), value.customer());
            } catch (RuntimeException e) {
                // whatever went wrong, the customer's message goes on
                LOG.warn("Housing system lookup failed unexpectedly ({}): the case goes on un-enriched", e.toString());
                outcome = new Outcome(Enrichment.Status.UNAVAILABLE, null, null, millis(clock.instant()), false);
            }
            count(outcome);
            enriched = switch (outcome.status()) {
                case ENRICHED -> {
                    HousingLookup.HousingRecord found = outcome.record();
                    if (outcome.fresh()) {
                        customer = linkVerified(outcome, found).or(() -> customerOf(message));
                    }
                    yield value.customer().enrichedWith(found.customerId(), found.tenancyRef(), found.propertyRef(), flags(found.flags()),
                            new Enrichment(Enrichment.Status.ENRICHED, lookup.source(), outcome.at()));
                }
                case NOT_FOUND, UNAVAILABLE -> value.customer().withEnrichment(new Enrichment(outcome.status(), lookup.source(), outcome.at()));
            };
        }
        CaseThread thread = value.thread();
        if (relateOpenCases && customer.isPresent() && thread != null && !thread.joinsExistingCase() && thread.possiblyRelatedTo() == null) {
            Optional<String> open = openCaseOf(customer.get(), value.caseId());
            if (open.isPresent()) {
                thread = new CaseThread(thread.method(), thread.confidence(), thread.inReplyTo(), thread.references(), open.get());
            }
        }
        // through the with-methods, so components other branches add to Case travel through unchanged
        return value.withCustomer(enriched).withThread(thread);
    }

    static final String NOT_LOOKED_UP = "sender not verified: no housing record or verified identity attached";

    /**
     * The Reply-To of an unverified sender is kept only within the sender's own domain: a forged From with the
     * attacker's Reply-To would otherwise send the tenant's replies to the attacker.
     */
    static Case gateReplyTo(Case value, boolean verified) {
        Recipients recipients = value.recipients();
        if (verified || recipients == null || recipients.replyTo() == null || recipients.replyTo().isEmpty()) {
            return value;
        }
        String domain = domainOf(value.customer() == null ? null : value.customer().email());
        List<EmailAddress> kept = recipients.replyTo().stream().filter(a -> domain != null && domain.equals(domainOf(a.address()))).toList();
        if (kept.size() == recipients.replyTo().size()) {
            return value;
        }
        Trust trust = value.trust() == null ? new Trust(false, "none") : value.trust();
        return value.withRecipients(new Recipients(recipients.to(), recipients.cc(), kept))
                .withTrust(trust.because("Reply-To outside the sender's domain ignored: sender not verified"));
    }

    private static String domainOf(String address) {
        if (address == null) {
            return null;
        }
        int at = address.lastIndexOf('@');
        return at < 0 ? null : address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
    }

    /** What a lookup came to; {@code fresh} when the housing system answered just now rather than the cache. */
    record Outcome(Enrichment.Status status, HousingLookup.HousingRecord record, IdentityStore.Key matched, Instant at, boolean fresh) {
    }

    Outcome lookUp(Channel channel, Customer customer) {
        // a budget, not a time of day: measured on the monotonic clock
        long deadline = System.nanoTime() + properties.getTimeout().toNanos();
        boolean unavailable = false;
        for (IdentityStore.Key key : IdentityStore.keysOf(channel, customer)) {
            String kind = switch (key.kind()) {
                case IdentityStore.EMAIL -> HousingLookup.EMAIL;
                case IdentityStore.PHONE -> HousingLookup.PHONE;
                default -> HousingLookup.HANDLE;
            };
            if (!lookup.supports(kind)) {
                continue;
            }
            String cacheKey = EnrichmentCache.key(lookup.source(), key.kind(), key.address());
            Optional<EnrichmentCache.Cached> cached = cachedAnswer(cacheKey);
            if (cached.isPresent()) {
                if (cached.get().status() == Enrichment.Status.ENRICHED && cached.get().record() != null) {
                    return new Outcome(Enrichment.Status.ENRICHED, cached.get().record(), key, millis(cached.get().fetchedAt()), false);
                }
                continue; // known not to be there: try the next identity
            }
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                unavailable = true;
                break;
            }
            Optional<Optional<HousingLookup.HousingRecord>> answer = ask(kind, key.address(), channel.wireName(), left);
            Instant at = millis(clock.instant());
            if (answer.isEmpty()) {
                unavailable = true;
                break; // down or slow: the next identity would fare no better, and the sender is waiting
            }
            Optional<HousingLookup.HousingRecord> found = answer.get();
            remember(cacheKey, found, at);
            if (found.isPresent()) {
                return new Outcome(Enrichment.Status.ENRICHED, found.get(), key, at, true);
            }
        }
        Instant now = millis(clock.instant());
        return new Outcome(unavailable ? Enrichment.Status.UNAVAILABLE : Enrichment.Status.NOT_FOUND, null, null, now, false);
    }

    /** The housing system's answer within {@code budget}, or empty when it could not give one (down, slow, breaker open). */
    private Optional<Optional<HousingLookup.HousingRecord>> ask(String kind, String value, String channel, Duration budget) {
        if (!breaker.tryAcquirePermission()) {
            LOG.debug("Housing system lookup skipped: circuit breaker {}", breaker.getState());
            return Optional.empty();
        }
        long start = System.nanoTime();
        Future<Optional<HousingLookup.HousingRecord>> call;
        try {
            call = executor.submit(() -> lookup.find(kind, value, channel));
        } catch (RejectedExecutionException busy) {
            breaker.releasePermission();
            LOG.warn("Housing system lookup skipped: {} lookups already running", executor.getMaximumPoolSize());
            return Optional.empty();
        }
        try {
            Optional<HousingLookup.HousingRecord> answer = call.get(budget.toNanos(), TimeUnit.NANOSECONDS);
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return Optional.of(answer == null ? Optional.empty() : answer);
        } catch (TimeoutException e) {
            call.cancel(true);
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            LOG.warn("Housing system lookup by {} timed out after {} ms: the case goes on un-enriched", kind, budget.toMillis());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
            LOG.warn("Housing system lookup by {} failed ({}): the case goes on un-enriched", kind, cause.toString());
        } catch (InterruptedException e) {
            call.cancel(true);
            breaker.releasePermission();
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private Optional<EnrichmentCache.Cached> cachedAnswer(String key) {
        try {
            return cache.get(key);
        } catch (RuntimeException e) {
            LOG.warn("Enrichment cache unreadable ({}): asking the housing system", e.toString());
            return Optional.empty();
        }
    }

    private void remember(String key, Optional<HousingLookup.HousingRecord> found, Instant at) {
        try {
            cache.put(key, found.isPresent() ? Enrichment.Status.ENRICHED : Enrichment.Status.NOT_FOUND, found.orElse(null), at,
                    found.isPresent() ? properties.getCacheTtl() : properties.getNotFoundTtl());
        } catch (RuntimeException e) {
            LOG.warn("Cannot cache the housing system's answer: {}", e.toString());
        }
    }

    private Optional<String> recordSender(Case value) {
        try {
            return identities.recordSender(value.channel(), value.customer());
        } catch (RuntimeException e) {
            // the identity store is a by-product of intake: its failure must not cost the customer's message
            LOG.warn("Cannot record the sender of {}: {}", value.messageId(), e.toString());
            return Optional.empty();
        }
    }

    private Optional<String> customerOf(Case value) {
        List<IdentityStore.Key> keys = IdentityStore.keysOf(value.channel(), value.customer());
        return keys.isEmpty() ? Optional.empty() : identities.customerFor(keys.get(0).kind(), keys.get(0).address());
    }

    private Optional<String> linkVerified(Outcome outcome, HousingLookup.HousingRecord found) {
        try {
            List<IdentityStore.Key> others = new ArrayList<>();
            found.emails().stream().filter(e -> e.contains("@"))
                    .forEach(e -> others.add(new IdentityStore.Key(IdentityStore.EMAIL, e.strip().toLowerCase(Locale.ROOT))));
            found.phones().forEach(p -> e164(p).ifPresent(n -> others.add(new IdentityStore.Key(IdentityStore.PHONE, n))));
            others.remove(outcome.matched());
            return Optional.of(identities.linkVerified(outcome.matched(), new IdentityStore.HousingDetails(found.customerId(),
                    found.displayName(), found.tenancyRef(), found.propertyRef(), found.flags(), others), lookup.source()));
        } catch (RuntimeException e) {
            LOG.warn("Cannot link the housing system's customer {}: {}", found.customerId(), e.toString());
            return Optional.empty();
        }
    }

    private Optional<String> openCaseOf(String customerId, String caseId) {
        try {
            return customerCases.openCasesOf(customerId, 2).stream().filter(id -> !id.equals(caseId)).findFirst();
        } catch (RuntimeException e) {
            LOG.warn("Cannot look for open cases of {}: {}", customerId, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The housing system's flags as the Case carries them: trimmed, de-duplicated, at most 64 characters each. Whatever
     * the housing system holds, it must not make the case fail its schema check and be held back.
     */
    static List<String> flags(List<String> flags) {
        return flags.stream().map(String::strip).filter(flag -> !flag.isEmpty())
                .map(flag -> flag.length() > 64 ? flag.substring(0, 64) : flag).distinct().toList();
    }

    private Optional<String> e164(String phone) {
        try {
            var number = phones.parse(phone, phoneRegion);
            return phones.isValidNumber(number) ? Optional.of(phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164)) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    private void count(Outcome outcome) {
        if (meters != null) {
            meters.counter("casebridge.enrichment.lookups", "outcome", outcome.status().wireName(),
                    "cached", String.valueOf(outcome.status() == Enrichment.Status.ENRICHED && !outcome.fresh())).increment();
        }
    }

    private static Instant millis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
