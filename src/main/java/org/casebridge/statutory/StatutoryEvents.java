package org.casebridge.statutory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.sla.SlaEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.casebridge.shared.JdbcValues.instant;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * The statutory events {@code statutory.warning} and {@code statutory.breached}, once per milestone and due time
 * whichever instance sees it first and across restarts: claimed by inserting a row into {@code cb_statutory_event}
 * (its unique key lets one insert win), published by the winner, taken over after the claim timeout when the winner
 * died before publishing — as {@link SlaEvents} does for the SLA clocks, on the same queue and headers.
 */
@Component("statutoryEvents")
public class StatutoryEvents {

    /** Event type: a running milestone reached its warning time. */
    public static final String WARNING = "statutory.warning";
    /** Event type: a running milestone passed its due time. */
    public static final String BREACHED = "statutory.breached";
    /** Header: the regime of the milestone (the milestone is in {@link SlaEvents#CLOCK}). */
    public static final String REGIME = "CasebridgeStatutoryRegime";
    /** JMS type of a statutory event. */
    public static final String JMS_TYPE = "casebridge.statutory.event.v1";

    private static final Logger LOG = LoggerFactory.getLogger(StatutoryEvents.class);
    private static final int BATCH = 500;

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Duration claimTimeout;
    private final String instanceId;
    private final Clock clock;

    @Autowired
    StatutoryEvents(JdbcTemplate jdbc, ObjectMapper mapper, @Value("${casebridge.sla.claim-timeout}") Duration claimTimeout, Clock clock) {
        this(jdbc, mapper, claimTimeout, ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID(), clock);
    }

    /** Another instance's view of the same database (tests run several against one database). */
    public StatutoryEvents(JdbcTemplate jdbc, ObjectMapper mapper, Duration claimTimeout, String instanceId, Clock clock) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.claimTimeout = claimTimeout;
        this.instanceId = instanceId.length() > 128 ? instanceId.substring(0, 128) : instanceId;
        this.clock = clock;
    }

    /** Route step: claims every event due now; the body becomes the list of event JSON documents to publish. */
    public List<String> claimDue() {
        return claimDueAt(clock.instant());
    }

    /** Claims the events due at {@code now} (breaches first; a milestone found only after its due gets no late warning). */
    public List<String> claimDueAt(Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        List<String> claimed = new ArrayList<>();
        claim(claimed, BREACHED, at, "select * from cb_statutory_clock c where c.status = 'running' and c.due <= ? and not exists"
                + " (select 1 from cb_statutory_event e where e.clock_id = c.clock_id and e.event_type = ? and e.due_at = c.due) order by c.due",
                utc(at), BREACHED);
        claim(claimed, WARNING, at, "select * from cb_statutory_clock c where c.status = 'running' and c.warn_at <= ? and c.due > ? and not exists"
                + " (select 1 from cb_statutory_event e where e.clock_id = c.clock_id and e.event_type = ? and e.due_at = c.due) order by c.warn_at",
                utc(at), utc(at), WARNING);
        claimed.addAll(takeOverAbandoned(at));
        return claimed;
    }

    private void claim(List<String> claimed, String type, Instant now, String sql, Object... args) {
        List<Map<String, Object>> rows = jdbc.queryForList(sql + " limit " + BATCH, args);
        for (Map<String, Object> row : rows) {
            String eventId = UUID.randomUUID().toString();
            Instant due = instant(row.get("due"));
            String payload = payload(eventId, type, row, due, now);
            try {
                jdbc.update("insert into cb_statutory_event (event_id, clock_id, case_id, event_type, due_at, created_at, claimed_by, claimed_at,"
                                + " payload) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", eventId, row.get("clock_id"), row.get("case_id"), type,
                        utc(due), utc(now), instanceId, utc(now), payload);
                claimed.add(payload);
                LOG.info("{} for case {} ({} {}, due {})", type, row.get("case_id"), row.get("regime"), row.get("milestone"), due);
            } catch (DuplicateKeyException another) {
                // another instance claimed it first: it publishes it
            }
        }
    }

    private List<String> takeOverAbandoned(Instant now) {
        Instant before = now.minus(claimTimeout);
        List<Map<String, Object>> rows = jdbc.queryForList("select event_id, payload from cb_statutory_event where published_at is null"
                + " and claimed_at < ? order by created_at limit " + BATCH, utc(before));
        List<String> taken = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (jdbc.update("update cb_statutory_event set claimed_by = ?, claimed_at = ? where event_id = ? and published_at is null"
                    + " and claimed_at < ?", instanceId, utc(now), row.get("event_id"), utc(before)) == 1) {
                LOG.warn("Statutory event {} was claimed but not published in time: publishing it from {}", row.get("event_id"), instanceId);
                taken.add(String.valueOf(row.get("payload")));
            }
        }
        return taken;
    }

    private String payload(String eventId, String type, Map<String, Object> row, Instant due, Instant now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", eventId);
        event.put("type", type);
        event.put("caseId", row.get("case_id"));
        event.put("regime", row.get("regime"));
        event.put("milestone", row.get("milestone"));
        // the legal reference travels with the event: a supervisor reads what the deadline is for
        event.put("reference", row.get("reference"));
        event.put("classification", row.get("classification"));
        event.put("startedAt", instant(row.get("started_at")).toString());
        event.put("dueAt", due.toString());
        event.put("occurredAt", now.toString());
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("channel", row.get("evidence_channel"));
        evidence.put("externalId", row.get("evidence_external_id"));
        evidence.put("sha256", row.get("evidence_sha256"));
        event.put("evidence", evidence);
        event.put("links", Map.of("case", "/api/v1/cases/" + row.get("case_id")));
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
        message.setHeader(SlaEvents.EVENT_ID, event.path("eventId").asText());
        message.setHeader(SlaEvents.EVENT_TYPE, event.path("type").asText());
        message.setHeader(SlaEvents.CLOCK, event.path("milestone").asText());
        message.setHeader(REGIME, event.path("regime").asText());
        message.setHeader(CaseHeaders.CASE_ID, event.path("caseId").asText());
        message.setHeader("JMSCorrelationID", event.path("caseId").asText());
        message.setHeader("JMSType", JMS_TYPE);
    }

    /** Route step: the event is on the broker. */
    public void markPublished(Exchange exchange) {
        markPublished(exchange.getMessage().getHeader(SlaEvents.EVENT_ID, String.class));
    }

    /** Marks event {@code eventId} published. */
    public void markPublished(String eventId) {
        jdbc.update("update cb_statutory_event set published_at = ? where event_id = ?", utc(clock.instant()), eventId);
    }
}
