package org.casebridge.cases;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.casebridge.support.BridgeTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The case store in the real database. */
class CaseStoreTests extends BridgeTest {

    @Autowired
    CaseStore store;
    @Autowired
    CaseViews views;
    @Autowired
    CaseSchema schema;
    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;

    private Exchange exchangeFor(Case value) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, value);
        exchange.getMessage().setHeader(CaseHeaders.CASE_ID, value.caseId());
        exchange.getMessage().setHeader(CaseHeaders.MESSAGE_ID, value.messageId());
        exchange.getMessage().setHeader(CaseHeaders.CLIENT_ID, "demo-website");
        exchange.getMessage().setBody(schema.toValidatedJson(value));
        return exchange;
    }

    private static Case sample(String caseId) {
        Case sample = CaseSchemaTests.sample();
        // received now, due in an hour: the bridge's SLA clock reads the real clock, and the sample's fixed date (long past)
        // would have it breach these cases and mail the supervisors in the middle of other tests sharing this context
        Instant received = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Case current = new Case(sample.schemaVersion(), sample.caseId(), sample.messageId(), sample.channel(), sample.direction(), sample.kind(),
                received, received.minusSeconds(60), sample.customer(), sample.subject(), sample.body(), sample.attachments(),
                sample.recipients(), sample.thread(), sample.source(), sample.priority(), sample.category(), new Sla(received.plusSeconds(3600)),
                sample.trust());
        return current.withCaseId(caseId).withMessageId(CaseIds.newMessageId()).withThread(CaseThread.newCase());
    }

    @Test
    void drawsAnotherCaseIdWhenTheRandomOneIsTaken() throws Exception {
        String taken = CaseIds.newCaseId();
        store.recordInbound(exchangeFor(sample(taken)));

        Exchange second = exchangeFor(sample(taken));
        store.recordInbound(second);

        String assigned = second.getMessage().getHeader(CaseHeaders.CASE_ID, String.class);
        assertThat(assigned).isNotEqualTo(taken).matches("CB-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}");
        assertThat(second.getMessage().getBody(String.class)).contains("\"caseId\":\"" + assigned + "\"");
        assertThat(second.getProperty(CaseHeaders.CASE_PROPERTY, Case.class).caseId()).isEqualTo(assigned);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ?", Integer.class, taken)).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from cb_message where case_id = ?", Integer.class, assigned)).isEqualTo(1);
    }

    @Test
    void forgetsIdempotencyKeysAfterTheirRetention() throws Exception {
        Exchange fresh = exchangeFor(sample(CaseIds.newCaseId()));
        fresh.getMessage().setHeader(CaseHeaders.IDEMPOTENCY_KEY, "fresh-key");
        store.recordInbound(fresh);
        Exchange old = exchangeFor(sample(CaseIds.newCaseId()));
        old.getMessage().setHeader(CaseHeaders.IDEMPOTENCY_KEY, "old-key");
        store.recordInbound(old);
        jdbc.update("update cb_idempotency_key set created_at = created_at - interval '8' day where idempotency_key = 'old-key'");

        assertThat(store.expireIdempotencyKeys()).isEqualTo(1);

        assertThat(jdbc.queryForList("select idempotency_key from cb_idempotency_key where idempotency_key in ('old-key', 'fresh-key')",
                String.class)).containsExactly("fresh-key");
    }

    @Test
    void samePendingMessageIsInFlightWhileClaimedAndRepublishedOnceTheClaimRunsOut() throws Exception {
        Case value = sample(CaseIds.newCaseId());
        Exchange first = exchangeFor(value);
        first.getMessage().setHeader(CaseHeaders.IDEMPOTENCY_KEY, "in-flight-key");
        store.recordInbound(first); // stored, not (yet) published

        Exchange concurrent = exchangeFor(sample(CaseIds.newCaseId()).withMessageId(value.messageId() + "-x"));
        concurrent.getMessage().setBody(first.getMessage().getBody(String.class));
        concurrent.getMessage().setHeader(CaseHeaders.IDEMPOTENCY_KEY, "in-flight-key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.recordInbound(concurrent))
                .isInstanceOf(MessageInFlightException.class);

        // the message, its case and its outbox entry were stored in one transaction, the entry claimed by this instance
        assertThat(jdbc.queryForObject("select count(*) from cb_outbox where message_id = ? and claimed_by is not null", Integer.class,
                value.messageId())).isEqualTo(1);

        // the first attempt died: once its claim on the outbox entry has run out, a retry claims it and publishes
        jdbc.update("update cb_outbox set claimed_until = claimed_until - interval '1' hour where message_id = ?", value.messageId());
        Exchange retry = exchangeFor(sample(CaseIds.newCaseId()));
        retry.getMessage().setBody(first.getMessage().getBody(String.class));
        retry.getMessage().setHeader(CaseHeaders.IDEMPOTENCY_KEY, "in-flight-key");
        store.recordInbound(retry);
        assertThat(retry.getMessage().getHeader(CaseHeaders.CASE_ID)).isEqualTo(value.caseId());
        assertThat(retry.getMessage().getHeader(CaseHeaders.MESSAGE_ID)).isEqualTo(value.messageId());
        assertThat(retry.getMessage().getHeader(CaseHeaders.ALREADY_PUBLISHED)).isEqualTo(false);

        // the retry holds the claim now: a second retry (or a sweeper) must wait
        Exchange second = exchangeFor(sample(CaseIds.newCaseId()));
        second.getMessage().setBody(first.getMessage().getBody(String.class));
        second.getMessage().setHeader(CaseHeaders.IDEMPOTENCY_KEY, "in-flight-key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.recordInbound(second))
                .isInstanceOf(MessageInFlightException.class);

        // published: the entry is gone, and a later retry is answered with the same ids, nothing published again
        store.markPublished(retry);
        assertThat(jdbc.queryForObject("select count(*) from cb_outbox where message_id = ?", Integer.class, value.messageId())).isZero();
        Exchange late = exchangeFor(sample(CaseIds.newCaseId()));
        late.getMessage().setBody(first.getMessage().getBody(String.class));
        late.getMessage().setHeader(CaseHeaders.IDEMPOTENCY_KEY, "in-flight-key");
        store.recordInbound(late);
        assertThat(late.getMessage().getHeader(CaseHeaders.MESSAGE_ID)).isEqualTo(value.messageId());
        assertThat(late.getMessage().getHeader(CaseHeaders.ALREADY_PUBLISHED)).isEqualTo(true);
    }

    @Test
    void publishedMessageIsVisibleOnlyToItsClient() throws Exception {
        Exchange exchange = exchangeFor(sample(CaseIds.newCaseId()));
        store.recordInbound(exchange);
        String caseId = exchange.getMessage().getHeader(CaseHeaders.CASE_ID, String.class);
        assertThat(views.findCase(caseId, "demo-website")).isEmpty(); // still pending: not accepted yet

        store.markPublished(exchange);

        assertThat(views.findCase(caseId, "demo-website")).hasValueSatisfying(view -> assertThat(view.get("messageCount")).isEqualTo(1));
        assertThat(views.findCase(caseId, "another-client")).isEmpty();
    }
}
