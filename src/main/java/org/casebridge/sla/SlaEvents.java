package org.casebridge.sla;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.casebridge.shared.JdbcValues.utc;

/**
 * The SLA events {@code sla.warning} and {@code sla.breached}, each exactly once per case and clock cycle, whichever
 * of several instances sees it first and across restarts: an event is claimed by inserting its row into
 * {@code cb_sla_event}, whose unique key (case, clock, event, clock start) lets exactly one insert win. The winner
 * publishes it and marks it published; a claim left unpublished (its instance died in between) is taken over after
 * {@code casebridge.sla.claim-timeout} and published with the same event id.
 */
@Component("slaEvents")
public class SlaEvents {

    /** Event type: a clock reached the warning share of its target. */
    public static final String WARNING = "sla.warning";
    /** Event type: a clock passed its due time without a reply. */
    public static final String BREACHED = "sla.breached";

    /** Header: the event type ({@code sla.warning}, {@code sla.breached}); also a JMS property for selectors. */
    public static final String EVENT_TYPE = "CasebridgeSlaEvent";
    /** Header: the clock ({@code first-response}, {@code next-response}). */
    public static final String CLOCK = "CasebridgeSlaClock";
    /** Header: the event's id, the same on a republished event (consumers de-duplicate on it). */
    public static final String EVENT_ID = "CasebridgeSlaEventId";
    /** JMS type of an SLA event. */
    public static final String JMS_TYPE = "casebridge.sla.event.v1";

    private static final Logger LOG = LoggerFactory.getLogger(SlaEvents.class);
    private static final int BATCH = 500;

    private final JdbcTemplate jdbc;
    private final SlaPolicy policy;
    private final ObjectMapper mapper;
    private final Duration claimTimeout;
    private final List<String> supervisorQueues;
    private final String instanceId;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public SlaEvents(JdbcTemplate jdbc, SlaPolicy policy, ObjectMapper mapper,
                     @Value("${casebridge.sla.claim-timeout}") Duration claimTimeout,
                     @Value("${casebridge.sla.supervisor-queues:}") String supervisorQueues,
                     @Value("${casebridge.channels.slack.enabled:false}") boolean slackEnabled,
                     @Value("${casebridge.channels.slack.notification-queue:casebridge.staff.notifications}") String slackQueue,
                     Clock clock) {
        // supervisors on Slack get their copy through the staff notification queue, only while Slack is set up: a queue
        // nobody reads would only grow
        this(jdbc, policy, mapper, claimTimeout, slackEnabled ? supervisorQueues + "," + slackQueue : supervisorQueues, ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID(),
                clock);
    }

    /** Another instance's view of the same database (tests run several against one database). */
    public SlaEvents(JdbcTemplate jdbc, SlaPolicy policy, ObjectMapper mapper, Duration claimTimeout, String supervisorQueues,
                     String instanceId, Clock clock) {
        this.jdbc = jdbc;
        this.policy = policy;
        this.mapper = mapper;
        this.claimTimeout = claimTimeout;
        this.supervisorQueues = Arrays.stream(supervisorQueues == null ? new String[0] : supervisorQueues.split(","))
                .map(String::strip).filter(q -> !q.isEmpty()).toList();
        this.instanceId = instanceId.length() > 128 ? instanceId.substring(0, 128) : instanceId;
        this.clock = clock;
    }

    /** Route step: claims every event due now; the body becomes the list of event JSON documents to publish. */
    public List<String> claimDue() {
        return claimDueAt(clock.instant());
    }

    /** Claims the events due at {@code now} (breaches first), plus abandoned claims; returns their JSON documents. */
    public List<String> claimDueAt(Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        List<String> claimed = new ArrayList<>();
        for (SlaClock slaClock : SlaClock.values()) {
            String prefix = slaClock == SlaClock.FIRST_RESPONSE ? "first_response" : "next_response";
            String started = slaClock == SlaClock.FIRST_RESPONSE ? "created_at" : "next_response_started_at";
            String running = slaClock == SlaClock.FIRST_RESPONSE ? "first_response_at is null" : "next_response_due is not null";
            // breached: due passed; a case found only after its due time gets the breach, not a late warning
            claim(claimed, slaClock, BREACHED, at, "select * from cb_case c where c.status = 'open' and " + running
                    + " and c." + prefix + "_due <= ? and not exists (select 1 from cb_sla_event e where e.case_id = c.case_id"
                    + " and e.clock = ? and e.event_type = ? and e.clock_started_at = c." + started + ") order by c." + prefix + "_due");
            claim(claimed, slaClock, WARNING, at, "select * from cb_case c where c.status = 'open' and " + running
                    + " and c." + prefix + "_warn_at <= ? and c." + prefix + "_due > ? and not exists (select 1 from cb_sla_event e"
                    + " where e.case_id = c.case_id and e.clock = ? and e.event_type = ? and e.clock_started_at = c." + started + ")"
                    + " order by c." + prefix + "_warn_at");
        }
        claimed.addAll(takeOverAbandoned(at));
        return claimed;
    }

    private void claim(List<String> claimed, SlaClock slaClock, String type, Instant now, String sql) {
        Object[] args = type.equals(BREACHED)
                ? new Object[]{utc(now), slaClock.wireName(), type}
                : new Object[]{utc(now), utc(now), slaClock.wireName(), type};
        List<CaseClockState> due = jdbc.query(sql + " limit " + BATCH, (rs, n) -> SlaClocks.read(rs), args);
        for (CaseClockState state : due) {
            Instant started = slaClock == SlaClock.FIRST_RESPONSE ? state.createdAt() : state.nextResponseStartedAt();
            Instant dueAt = slaClock == SlaClock.FIRST_RESPONSE ? state.firstResponseDue() : state.nextResponseDue();
            String eventId = UUID.randomUUID().toString();
            String payload = payload(eventId, type, slaClock, state, started, dueAt, now);
            try {
                jdbc.update("insert into cb_sla_event (event_id, case_id, clock, event_type, clock_started_at, due_at, created_at,"
                                + " claimed_by, claimed_at, payload) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        eventId, state.caseId(), slaClock.wireName(), type, utc(started), utc(dueAt),
                        utc(now), instanceId, utc(now), payload);
                claimed.add(payload);
                LOG.info("{} for case {} ({} {}, due {})", type, state.caseId(), slaClock.wireName(), state.priority(), dueAt);
            } catch (DuplicateKeyException another) {
                // another instance claimed the same event first: it publishes it
            }
        }
    }

    /** Unpublished events whose claim is older than the claim timeout: their instance died; publish them from here. */
    private List<String> takeOverAbandoned(Instant now) {
        List<Map<String, Object>> rows = jdbc.queryForList("select event_id, claimed_at, payload from cb_sla_event"
                + " where published_at is null and claimed_at < ? order by created_at limit " + BATCH, utc(now.minus(claimTimeout)));
        List<String> taken = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            int won = jdbc.update("update cb_sla_event set claimed_by = ?, claimed_at = ? where event_id = ? and published_at is null"
                    + " and claimed_at < ?", instanceId, utc(now), row.get("event_id"), utc(now.minus(claimTimeout)));
            if (won == 1) {
                LOG.warn("SLA event {} was claimed but not published in time: publishing it from {}", row.get("event_id"), instanceId);
                taken.add(String.valueOf(row.get("payload")));
            }
        }
        return taken;
    }

    private String payload(String eventId, String type, SlaClock slaClock, CaseClockState state, Instant started, Instant dueAt, Instant now) {
        SlaPolicy.Target target = policy.target(state.channel(), state.priority());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", eventId);
        event.put("type", type);
        event.put("clock", slaClock.wireName());
        event.put("caseId", state.caseId());
        event.put("channel", state.channel().wireName());
        event.put("priority", state.priority().name());
        event.put("category", state.category());
        event.put("clockStartedAt", started.toString());
        event.put("dueAt", dueAt.toString());
        event.put("occurredAt", now.toString());
        event.put("target", (slaClock == SlaClock.FIRST_RESPONSE ? target.firstResponse() : target.nextResponse()).toString());
        event.put("targetHours", target.businessHours() ? "business" : "round-the-clock");
        event.put("chaseCount", state.chaseCount());
        event.put("links", Map.of("case", "/api/v1/cases/" + state.caseId()));
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Route step: one event JSON in the body; sets the headers consumers select on (they become JMS properties). */
    public void envelope(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        JsonNode event = mapper.readTree(message.getBody(String.class));
        message.getHeaders().clear();
        message.setHeader(EVENT_ID, event.path("eventId").asText());
        message.setHeader(EVENT_TYPE, event.path("type").asText());
        message.setHeader(CLOCK, event.path("clock").asText());
        message.setHeader(CaseHeaders.CASE_ID, event.path("caseId").asText());
        message.setHeader(CaseHeaders.CHANNEL, event.path("channel").asText());
        message.setHeader(CaseHeaders.PRIORITY, event.path("priority").asText());
        if (event.hasNonNull("category")) {
            message.setHeader(CaseHeaders.CATEGORY, event.path("category").asText());
        }
        message.setHeader("JMSCorrelationID", event.path("caseId").asText());
        message.setHeader("JMSType", JMS_TYPE);
    }

    /** Route step: where supervisors are notified of the event in the body (one JMS endpoint per configured queue). */
    public List<String> supervisorEndpoints() {
        return supervisorQueues.stream()
                .map(q -> "jms:queue:" + q + "?exchangePattern=InOnly&deliveryPersistent=true&jmsMessageType=Text").toList();
    }

    /** Route step: the event is on the broker. */
    public void markPublished(Exchange exchange) {
        markPublished(exchange.getMessage().getHeader(EVENT_ID, String.class));
    }

    /** Marks event {@code eventId} published. */
    public void markPublished(String eventId) {
        jdbc.update("update cb_sla_event set published_at = ? where event_id = ?", utc(clock.instant()), eventId);
    }
}
