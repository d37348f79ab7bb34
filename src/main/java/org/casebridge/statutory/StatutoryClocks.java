package org.casebridge.statutory;

import org.casebridge.cases.Case;
import org.casebridge.cases.CaseRecorded;
import org.casebridge.cases.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.casebridge.shared.JdbcValues.instant;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * The statutory clocks of every case, in {@code cb_statutory_clock}: a message that a detection rule recognises
 * starts its regime's milestones from its {@code receivedAt} (awareness), in the transaction that stores it, on every
 * channel; completing a milestone starts those that run from it.
 */
@Component
public class StatutoryClocks {

    private static final Logger LOG = LoggerFactory.getLogger(StatutoryClocks.class);

    private final JdbcTemplate jdbc;
    private final StatutoryRegimes regimes;
    private final StatutoryDetector detector;
    private final double warningShare;

    StatutoryClocks(JdbcTemplate jdbc, StatutoryRegimes regimes, StatutoryDetector detector,
                    @org.springframework.beans.factory.annotation.Value("${casebridge.statutory.warning-share}") double warningShare) {
        this.jdbc = jdbc;
        this.warningShare = warningShare;
        this.regimes = regimes;
        this.detector = detector;
    }

    /** Runs in the transaction that stores the message: the clocks start with it or not at all. */
    @EventListener
    public void caseRecorded(CaseRecorded event) {
        Case value = event.value();
        if (value.direction() != Direction.INBOUND) {
            return;
        }
        String text = value.body() == null ? null : value.body().text();
        for (StatutoryDetector.Detection detection : detector.detect(value.subject(), text)) {
            StatutoryRegimes.Regime regime = regimes.regime(detection.regime()).orElseThrow();
            StatutoryClock.Evidence evidence = evidence(value);
            boolean escalation = StatutoryRegimes.ESCALATION.equals(detection.starts());
            for (StatutoryRegimes.Milestone m : regime.milestones()) {
                boolean starts = StatutoryRegimes.AWARENESS.equals(m.from()) || (escalation && StatutoryRegimes.ESCALATION.equals(m.from()));
                if (starts && m.appliesTo(detection.classification())) {
                    start(value.caseId(), regime, m, detection.classification(), "rule " + detection.rule(), value.receivedAt(), evidence);
                }
            }
        }
    }

    /** Starts one milestone unless the case already has it (the unique key decides across instances). */
    void start(String caseId, StatutoryRegimes.Regime regime, StatutoryRegimes.Milestone m, String classification, String startedBy,
               Instant at, StatutoryClock.Evidence evidence) {
        Integer present = jdbc.queryForObject("select count(*) from cb_statutory_clock where case_id = ? and regime = ? and milestone = ?",
                Integer.class, caseId, regime.name(), m.name());
        if (present != null && present > 0) {
            return;
        }
        Instant due = regimes.workingDays().due(at, m.due());
        Instant warnAt = at.plusMillis((long) (java.time.Duration.between(at, due).toMillis() * warningShare));
        jdbc.update("insert into cb_statutory_clock (clock_id, case_id, regime, milestone, classification, started_by, reference, status,"
                        + " started_at, due, warn_at, evidence_channel, evidence_external_id, evidence_sha256) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(), caseId, regime.name(), m.name(), classification, startedBy, m.reference(), StatutoryClock.RUNNING,
                utc(at), utc(due), utc(warnAt), evidence == null ? null : evidence.channel(), evidence == null ? null : evidence.externalId(),
                evidence == null ? null : evidence.sha256());
        LOG.info("Case {}: {} {} started ({}), due {}", caseId, regime.name(), m.name(), startedBy, due);
    }

    /**
     * Completes a running milestone at {@code at} (met, or breached when late) with the reason recorded, and starts
     * the milestones that run from it. False when the case has no such running milestone.
     */
    public boolean complete(String caseId, String regimeName, String milestone, Instant at, String reason) {
        StatutoryRegimes.Regime regime = regimes.regime(regimeName).orElse(null);
        if (regime == null) {
            return false;
        }
        List<StatutoryClock> open = clocks(caseId).stream()
                .filter(c -> c.regime().equals(regimeName) && c.milestone().equals(milestone) && StatutoryClock.RUNNING.equals(c.status())).toList();
        if (open.isEmpty()) {
            return false;
        }
        StatutoryClock clock = open.get(0);
        String status = at.isAfter(clock.due()) ? StatutoryClock.BREACHED : StatutoryClock.MET;
        int changed = jdbc.update("update cb_statutory_clock set status = ?, completed_at = ?, reason = ? where case_id = ? and regime = ?"
                + " and milestone = ? and status = ?", status, utc(at), reason, caseId, regimeName, milestone, StatutoryClock.RUNNING);
        if (changed == 0) {
            return false;
        }
        String classification = jdbc.queryForObject("select classification from cb_statutory_clock where case_id = ? and regime = ? and milestone = ?",
                String.class, caseId, regimeName, milestone);
        for (StatutoryRegimes.Milestone next : regime.milestones()) {
            if (next.from().equals(milestone) && next.appliesTo(classification)) {
                start(caseId, regime, next, classification, "completion of " + milestone, at, clock.evidence());
            }
        }
        return true;
    }

    /** Stops a running milestone (it no longer applies) with the reason recorded. False when it is not running. */
    public boolean stop(String caseId, String regimeName, String milestone, Instant at, String reason) {
        return jdbc.update("update cb_statutory_clock set status = ?, completed_at = ?, reason = ? where case_id = ? and regime = ?"
                + " and milestone = ? and status = ?", StatutoryClock.STOPPED, utc(at), reason, caseId, regimeName, milestone, StatutoryClock.RUNNING) == 1;
    }

    /**
     * Reclassifies a running milestone (e.g. a significant hazard found to be an emergency): stops it, and starts the
     * regime's awareness milestones of the new classification from the same awareness and evidence, since the law
     * counts from when the landlord became aware, not from the reclassification. False when it is not running.
     */
    public boolean reclassify(String caseId, String regimeName, String milestone, String classification, Instant at, String reason) {
        StatutoryRegimes.Regime regime = regimes.regime(regimeName).orElse(null);
        StatutoryClock clock = clocks(caseId).stream().filter(c -> c.regime().equals(regimeName) && c.milestone().equals(milestone)
                && StatutoryClock.RUNNING.equals(c.status())).findFirst().orElse(null);
        if (regime == null || clock == null || !stop(caseId, regimeName, milestone, at, "reclassified as " + classification + ": " + reason)) {
            return false;
        }
        for (StatutoryRegimes.Milestone m : regime.milestones()) {
            if (StatutoryRegimes.AWARENESS.equals(m.from()) && m.appliesTo(classification)) {
                start(caseId, regime, m, classification, "reclassification: " + reason, clock.startedAt(), clock.evidence());
            }
        }
        return true;
    }

    /** The statutory clocks of a case, oldest first. */
    public List<StatutoryClock> clocks(String caseId) {
        return jdbc.query("select regime, milestone, reference, started_at, due, status, completed_at, evidence_channel, evidence_external_id,"
                        + " evidence_sha256 from cb_statutory_clock where case_id = ? order by started_at, regime, milestone",
                (rs, n) -> new StatutoryClock(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, "started_at"), instant(rs, "due"),
                        rs.getString(6), instant(rs, "completed_at"), rs.getString(8) == null ? null
                        : new StatutoryClock.Evidence(rs.getString(8), rs.getString(9), rs.getString(10))), caseId);
    }

    private static StatutoryClock.Evidence evidence(Case value) {
        String ref = value.source() == null ? null : value.source().rawRef();
        String sha256 = ref == null ? null : ref.substring(ref.lastIndexOf('/') + 1);
        return new StatutoryClock.Evidence(value.channel() == null ? null : value.channel().wireName(),
                value.source() == null ? null : value.source().externalId(), sha256);
    }
}
