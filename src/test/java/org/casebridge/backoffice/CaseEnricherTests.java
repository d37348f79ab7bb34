package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.Enrichment;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.cases.ThreadMethod;
import org.casebridge.cases.Trust;
import org.casebridge.customers.IdentityDatabase;
import org.casebridge.customers.IdentityStore;
import org.casebridge.ops.CasebridgeProperties;
import org.casebridge.support.MutableClock;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The case enricher against a stub housing system on a real port (WireMock), and against a housing database in SQL
 * (H2), with the identity store and the shared cache in a real database: found, not found, down, slow, breaker open,
 * cache TTL, and the joining rule.
 */
class CaseEnricherTests {

    private static final WireMockServer HOUSING = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule());
    private static final CaseSchema SCHEMA = new CaseSchema(MAPPER);

    private IdentityDatabase db;
    private EnrichmentProperties properties;
    private final MeterRegistry meters = new SimpleMeterRegistry();
    /** When the test messages arrive, and where the test clock starts. */
    static final Instant START = Instant.parse("2026-03-02T09:30:00Z");
    /** The wall clock of the cache and the identity store: stands still unless a test moves it. */
    private final MutableClock clock = MutableClock.at(START);
    private CaseEnricher enricher;

    @BeforeAll
    static void startHousingSystem() {
        HOUSING.start();
    }

    @AfterAll
    static void stopHousingSystem() {
        HOUSING.stop();
    }

    @BeforeEach
    void setUp() {
        HOUSING.resetAll();
        db = IdentityDatabase.h2(clock);
        properties = new EnrichmentProperties();
        properties.setEnabled(true);
        properties.setLookup("rest");
        // generous, so a busy build machine does not turn a found customer into "unavailable"; the slow test shortens it
        properties.setTimeout(Duration.ofSeconds(5));
        properties.getRest().setBaseUrl(HOUSING.baseUrl() + "/api");
        properties.getRest().setApiKey("housing-key");
    }

    @AfterEach
    void tearDown() {
        if (enricher != null) {
            enricher.stop();
        }
    }

    private CaseEnricher enricher() {
        HousingLookup lookup = new EnrichmentConfiguration().housingLookup(properties, MAPPER, db.dataSource);
        enricher = new CaseEnricher(properties, provider(HousingLookup.class, lookup), new EnrichmentCache(db.jdbc, MAPPER, clock),
                db.identities, db.cases, new CasebridgeProperties(), provider(MeterRegistry.class, meters), true, true, clock);
        return enricher;
    }

    private static <T> ObjectProvider<T> provider(Class<T> type, T bean) {
        return new StaticListableBeanFactory(Map.of("bean", bean)).getBeanProvider(type);
    }

    /** A message from a trusted back-office client, which has authenticated the customer (trust.verified). */
    static Case webform(String email, String phone) {
        Instant now = START; // the test clock's time, not the real one
        return new Case(Case.SCHEMA_VERSION, CaseIds.newCaseId(), CaseIds.newMessageId(), Channel.WEBFORM, Direction.INBOUND,
                MessageKind.MESSAGE, now, null, new Customer("Amira Hassan", email, phone, null, null, null, null), "Leaking tap",
                new Body("The tap leaks.", "The tap leaks.", null), List.of(), null, CaseThread.newCase(),
                new Source("api:demo-backoffice", null, null), Priority.P3, null, new Sla(now.plusSeconds(3600)), new Trust(true, "api-key"));
    }

    /** The same message from the public web form: the sender's identity is only asserted. */
    static Case publicWebform(String email) {
        Case value = webform(email, null);
        return new Case(value.schemaVersion(), value.caseId(), value.messageId(), value.channel(), value.direction(), value.kind(),
                value.receivedAt(), value.sentAt(), value.customer(), value.subject(), value.body(), value.attachments(), value.recipients(),
                value.thread(), new Source("api:demo-website", null, null), value.priority(), value.category(), value.sla(),
                new Trust(false, "self-asserted"));
    }

    @Test
    void anUnverifiedSenderNeverGetsTheTenantsHousingRecord() throws Exception {
        String email = email();
        tenant("email=" + email, "{\"customerId\": \"HC-1001\", \"tenancyRef\": \"TEN-77\", \"propertyRef\": \"PROP-12-3B\"}");

        Case enriched = enricher().enrich(publicWebform(email));

        assertThat(enriched.customer().customerId()).isNull();
        assertThat(enriched.customer().tenancyRef()).isNull();
        assertThat(enriched.customer().enrichment()).isNull();
        assertThat(enriched.trust().verified()).isFalse();
        assertThat(enriched.trust().reason()).contains("not verified");
        assertThat(db.identities.isVerified("email", email)).isFalse();
        // the housing system is not even asked about an address anyone could have typed
        assertThat(HOUSING.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()))).isEmpty();
        assertThat(SCHEMA.violations(MAPPER.valueToTree(enriched))).isEmpty();
    }

    @Test
    void anUnverifiedSendersReplyToCountsOnlyInItsOwnDomain() {
        Case forged = publicWebform("tenant@example.org");
        forged = forged.withRecipients(new org.casebridge.cases.Recipients(List.of(), List.of(),
                List.of(new org.casebridge.cases.EmailAddress(null, "attacker@evil.example"),
                        new org.casebridge.cases.EmailAddress(null, "tenant.work@Example.org"))));

        Case gated = CaseEnricher.gateReplyTo(forged, false);
        assertThat(gated.recipients().replyTo()).extracting(org.casebridge.cases.EmailAddress::address).containsExactly("tenant.work@Example.org");
        assertThat(gated.trust().reason()).contains("Reply-To");
        assertThat(SCHEMA.violations(MAPPER.valueToTree(gated))).isEmpty();
        // a verified sender's Reply-To is its own business
        assertThat(CaseEnricher.gateReplyTo(forged, true).recipients().replyTo()).hasSize(2);
    }

    private static String email() {
        return "tenant-" + UUID.randomUUID() + "@example.org";
    }

    private static void tenant(String query, String json) {
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).withQueryParam(query.split("=", 2)[0], equalTo(query.split("=", 2)[1]))
                .withHeader("X-Api-Key", equalTo("housing-key")).willReturn(okJson(json)));
    }

    private static int lookups() {
        return HOUSING.findAll(getRequestedFor(urlPathEqualTo("/api/customers"))).size();
    }

    @Test
    void fillsInTheCustomerFromTheHousingSystem() throws Exception {
        String email = email();
        tenant("email=" + email, """
                {"customerId": "HC-1001", "name": "Amira Hassan", "tenancyRef": "TEN-77", "propertyRef": "PROP-12-3B",
                 "flags": ["vulnerable", "hearing-impaired"], "phones": ["07911 123456"]}""");

        Case enriched = enricher().enrich(webform(email, null));

        Customer customer = enriched.customer();
        assertThat(customer.customerId()).isEqualTo("HC-1001");
        assertThat(customer.tenancyRef()).isEqualTo("TEN-77");
        assertThat(customer.propertyRef()).isEqualTo("PROP-12-3B");
        assertThat(customer.flags()).containsExactly("vulnerable", "hearing-impaired");
        assertThat(customer.enrichment().status()).isEqualTo(Enrichment.Status.ENRICHED);
        assertThat(customer.enrichment().source()).isEqualTo("rest:housing");
        JsonNode json = MAPPER.readTree(SCHEMA.toValidatedJson(enriched));
        assertThat(json.at("/customer/flags/0").asText()).isEqualTo("vulnerable");
        assertThat(json.at("/customer/enrichment/status").asText()).isEqualTo("enriched");

        // the housing system's links are verified, including the phone number it listed
        String bridgeCustomer = db.identities.customerForHousingId("HC-1001").orElseThrow();
        assertThat(db.identities.identitiesOf(bridgeCustomer)).contains(
                new IdentityStore.Identity("email", email, true, "rest:housing"),
                new IdentityStore.Identity("phone", "+447911123456", true, "rest:housing"));
    }

    @Test
    void oddFlagsFromTheHousingSystemNeverFailTheSchemaCheck() {
        String email = email();
        tenant("email=" + email, "{\"customerId\": \"HC-6\", \"flags\": [\" vulnerable \", \"\", \"vulnerable\", \"%s\"]}".formatted("x".repeat(100)));

        Case enriched = enricher().enrich(webform(email, null));

        assertThat(enriched.customer().flags()).containsExactly("vulnerable", "x".repeat(64));
        assertThat(SCHEMA.violations(MAPPER.valueToTree(enriched))).isEmpty();
    }

    @Test
    void unEnrichedCaseReadsExactlyAsBefore() throws Exception {
        Case plain = webform(email(), null);
        JsonNode json = MAPPER.readTree(SCHEMA.toValidatedJson(plain));
        assertThat(json.get("customer").has("flags")).isFalse();
        assertThat(json.get("customer").has("enrichment")).isFalse();
        assertThat(json.get("customer").size()).isEqualTo(7);
    }

    @Test
    void looksUpByPhoneWhenTheEmailIsUnknownAndUsesConfiguredFieldsAndBearerToken() {
        properties.getRest().setApiKey("");
        properties.getRest().setBearerToken("token-1");
        properties.getRest().setFields(Map.of("customer-id", "/id", "tenancy-ref", "/tenancy/ref", "flags", "/markers"));
        String email = email();
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).withQueryParam("email", equalTo(email))
                .withHeader("Authorization", equalTo("Bearer token-1")).willReturn(okJson("[]")));
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).withQueryParam("phone", equalTo("+447700900123"))
                .withHeader("Authorization", equalTo("Bearer token-1"))
                .willReturn(okJson("[{\"id\": \"HC-2002\", \"tenancy\": {\"ref\": \"TEN-88\"}, \"markers\": \"vulnerable, interpreter\"}]")));

        Customer customer = enricher().enrich(webform(email, "+447700900123")).customer();

        assertThat(customer.customerId()).isEqualTo("HC-2002");
        assertThat(customer.tenancyRef()).isEqualTo("TEN-88");
        assertThat(customer.propertyRef()).isNull();
        assertThat(customer.flags()).containsExactly("vulnerable", "interpreter");
        assertThat(lookups()).isEqualTo(2);
    }

    @Test
    void unknownCustomerIsMarkedNotFoundAndTheAnswerIsCached() {
        String email = email();
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).willReturn(aResponse().withStatus(404)));
        CaseEnricher enricher = enricher();

        Case first = enricher.enrich(webform(email, null));
        Case second = enricher.enrich(webform(email, null));

        assertThat(first.customer().enrichment().status()).isEqualTo(Enrichment.Status.NOT_FOUND);
        assertThat(first.customer().customerId()).isNull();
        assertThat(first.customer().flags()).isNull();
        assertThat(second.customer().enrichment().status()).isEqualTo(Enrichment.Status.NOT_FOUND);
        assertThat(lookups()).isEqualTo(1);
    }

    @Test
    void slowHousingSystemDoesNotHoldTheCaseBack() {
        properties.setTimeout(Duration.ofMillis(300));
        String email = email();
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).willReturn(okJson("{\"customerId\": \"HC-3\"}").withFixedDelay(6000)));
        Case message = webform(email, "+447700900456");

        long start = System.nanoTime();
        Case result = enricher().enrich(message);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).as("waited for a slow housing system").isLessThan(3000);
        assertThat(result.customer().enrichment().status()).isEqualTo(Enrichment.Status.UNAVAILABLE);
        assertThat(result.customer().customerId()).isNull();
        assertThat(result.caseId()).isEqualTo(message.caseId());
        assertThat(result.body()).isEqualTo(message.body());
        assertThat(SCHEMA.violations(MAPPER.valueToTree(result))).isEmpty();
        // one budget for all identities: the phone was not tried after the email timed out
        assertThat(lookups()).isEqualTo(1);
        // "unavailable" is never cached: the next message asks again
        HOUSING.resetAll();
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).willReturn(okJson("{\"customerId\": \"HC-3\"}")));
        enricher.stop();
        properties.setTimeout(Duration.ofSeconds(5));
        assertThat(enricher().enrich(webform(email, null)).customer().customerId()).isEqualTo("HC-3");
    }

    @Test
    void housingSystemDownIsMarkedUnavailable() {
        properties.getRest().setBaseUrl("http://127.0.0.1:" + TestInfrastructure.freePort());

        Case result = enricher().enrich(webform(email(), null));

        assertThat(result.customer().enrichment().status()).isEqualTo(Enrichment.Status.UNAVAILABLE);
        assertThat(result.customer().enrichment().source()).isEqualTo("rest:housing");
    }

    @Test
    void failingHousingSystemOpensTheCircuitBreakerAndIsNoLongerAsked() {
        properties.getCircuitBreaker().setMinimumNumberOfCalls(3);
        properties.getCircuitBreaker().setSlidingWindowSize(3);
        properties.getCircuitBreaker().setWaitInOpenState(Duration.ofMinutes(5));
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).willReturn(aResponse().withStatus(503)));
        CaseEnricher enricher = enricher();

        for (int i = 0; i < 3; i++) {
            assertThat(enricher.enrich(webform(email(), null)).customer().enrichment().status()).isEqualTo(Enrichment.Status.UNAVAILABLE);
        }
        assertThat(enricher.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        long start = System.nanoTime();
        Case result = enricher.enrich(webform(email(), null));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(200);
        assertThat(result.customer().enrichment().status()).isEqualTo(Enrichment.Status.UNAVAILABLE);
        assertThat(lookups()).as("lookups that reached the housing system").isEqualTo(3);
        assertThat(meters.counter("casebridge.enrichment.lookups", "outcome", "unavailable", "cached", "false").count()).isEqualTo(4);
    }

    @Test
    void cachedAnswerIsSharedByInstancesAndExpiresAfterItsTtl() throws Exception {
        properties.setCacheTtl(Duration.ofMillis(1500));
        String email = email();
        tenant("email=" + email, "{\"customerId\": \"HC-4\", \"tenancyRef\": \"TEN-4\"}");
        CaseEnricher first = enricher();
        Case fresh = first.enrich(webform(email, null));
        // a second instance on the same database: the cache is in the database, so it does not ask again
        CaseEnricher second = new CaseEnricher(properties, provider(HousingLookup.class,
                new EnrichmentConfiguration().housingLookup(properties, MAPPER, db.dataSource)), new EnrichmentCache(db.jdbc, MAPPER, clock),
                db.identities, db.cases, new CasebridgeProperties(), provider(MeterRegistry.class, meters), true, true, clock);
        try {
            Case cached = second.enrich(webform(email, null));
            assertThat(cached.customer().customerId()).isEqualTo("HC-4");
            assertThat(cached.customer().enrichment().at()).isEqualTo(fresh.customer().enrichment().at());
            assertThat(lookups()).isEqualTo(1);

            // still cached a moment before the TTL runs out
            clock.advance(Duration.ofMillis(1499));
            assertThat(second.enrich(webform(email, null)).customer().enrichment().at()).isEqualTo(fresh.customer().enrichment().at());
            assertThat(lookups()).isEqualTo(1);

            // once the 1.5 s TTL has run out, the next message asks the housing system again
            clock.advance(Duration.ofMillis(2));
            Case refreshed = second.enrich(webform(email, null));
            assertThat(refreshed.customer().customerId()).isEqualTo("HC-4");
            assertThat(refreshed.customer().enrichment().at()).isAfter(fresh.customer().enrichment().at());
            assertThat(lookups()).isEqualTo(2);
            assertThat(new EnrichmentCache(db.jdbc, MAPPER, clock).expire()).isZero();
        } finally {
            second.stop();
        }
    }

    @Test
    void looksCustomersUpInTheHousingDatabaseWithSql() {
        String url = "jdbc:h2:mem:housing-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        var housingDb = new org.springframework.jdbc.core.JdbcTemplate(new DriverManagerDataSource(url, "sa", ""));
        housingDb.execute("create table tenant (tenant_no varchar(20), full_name varchar(100), email varchar(200), mobile varchar(20),"
                + " tenancy varchar(20), uprn varchar(20), alerts varchar(200))");
        housingDb.update("insert into tenant values ('T0001', 'Amira Hassan', 'Amira@Example.org', '+447911123456', 'TEN-1', 'UPRN-100', 'vulnerable')");
        housingDb.update("insert into tenant values ('T0002', 'Ben Okoro', 'ben@example.org', '+447911654321', 'TEN-2', 'UPRN-200', null)");
        properties.setLookup("sql");
        properties.getSql().setUrl(url);
        properties.getSql().setUsername("sa");
        properties.getSql().setQueries(Map.of(
                "email", "select tenant_no as customer_id, full_name as display_name, tenancy as tenancy_ref, uprn as property_ref,"
                        + " alerts as flags from tenant where lower(email) = :value",
                "phone", "select tenant_no as customer_id, tenancy as tenancy_ref, uprn as property_ref, alerts as flags from tenant where mobile = :value"));
        CaseEnricher enricher = enricher();

        Customer byEmail = enricher.enrich(webform("amira@example.org", null)).customer();
        Customer byPhone = enricher.enrich(webform(null, "+447911654321")).customer();
        Customer unknown = enricher.enrich(webform("nobody@example.org", null)).customer();

        assertThat(byEmail.customerId()).isEqualTo("T0001");
        assertThat(byEmail.propertyRef()).isEqualTo("UPRN-100");
        assertThat(byEmail.flags()).containsExactly("vulnerable");
        assertThat(byEmail.enrichment().source()).isEqualTo("sql:housing");
        assertThat(byPhone.customerId()).isEqualTo("T0002");
        assertThat(byPhone.tenancyRef()).isEqualTo("TEN-2");
        assertThat(byPhone.flags()).isEmpty();
        assertThat(unknown.enrichment().status()).isEqualTo(Enrichment.Status.NOT_FOUND);
    }

    @Test
    void sqlLookupWithoutUrlQueriesTheBridgesOwnDatabase() {
        db.jdbc.execute("create table housing_export (tenant_no varchar(20), email varchar(200), tenancy varchar(20), alerts varchar(200))");
        db.jdbc.update("insert into housing_export values ('T0100', 'export@example.org', 'TEN-100', 'vulnerable,deaf')");
        properties.setLookup("sql");
        properties.getSql().setUrl("");
        properties.getSql().setQueries(Map.of("email",
                "select tenant_no as customer_id, tenancy as tenancy_ref, alerts as flags from housing_export where email = :value"));

        Customer customer = enricher().enrich(webform("Export@Example.org", null)).customer();

        assertThat(customer.customerId()).isEqualTo("T0100");
        assertThat(customer.flags()).containsExactly("vulnerable", "deaf");
    }

    @Test
    void autoRepliesAreNeitherLookedUpNorRecorded() {
        String email = email();
        Case autoReply = webform(email, null);
        autoReply = new Case(autoReply.schemaVersion(), autoReply.caseId(), autoReply.messageId(), Channel.EMAIL, autoReply.direction(),
                MessageKind.AUTO_REPLY, autoReply.receivedAt(), null, autoReply.customer(), "Out of office", autoReply.body(),
                List.of(), null, autoReply.thread(), autoReply.source(), autoReply.priority(), null, autoReply.sla(), autoReply.trust());

        assertThat(enricher().enrich(autoReply)).isEqualTo(autoReply);
        assertThat(db.identities.customerFor("email", email)).isEmpty();
        assertThat(lookups()).isZero();
    }

    @Test
    void aCustomerFoundOnlyThroughAnInferredLinkIsRelatedToTheOpenCaseButNeverJoinsIt() {
        HOUSING.stubFor(get(urlPathEqualTo("/api/customers")).willReturn(aResponse().withStatus(404)));
        String phone = "+447700900789";
        String openCase = CaseIds.newCaseId();
        db.openCase(openCase, "sms", phone, IdentityDatabase.minutesAgo(10));
        db.identities.recordSender(Channel.SMS, new Customer(null, null, phone, null, null, null, null));
        String email = email();

        // someone gives that phone number on a web form, with an email address the bridge has never seen
        Case message = webform(email, phone);
        Case result = enricher().enrich(message);

        assertThat(result.caseId()).isEqualTo(message.caseId());
        assertThat(result.thread().method()).isEqualTo(ThreadMethod.NEW);
        assertThat(result.thread().possiblyRelatedTo()).isEqualTo(openCase);
        assertThat(db.identities.isVerified("email", email)).isFalse();
        assertThat(db.cases.mayJoin(openCase, Channel.WEBFORM, email)).isFalse();
    }

    @Test
    void disabledEnrichmentStillRecordsTheSender() {
        properties.setEnabled(false);
        String email = email();
        Case result = enricher().enrich(webform(email, null));
        assertThat(result.customer().enrichment()).isNull();
        assertThat(db.identities.customerFor("email", email)).isPresent();
        assertThat(lookups()).isZero();
    }
}
