package org.casebridge.statutory;

import org.casebridge.sla.BusinessCalendar;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statutory deadline arithmetic on the shipped {@code config/statutory-clocks.yaml}, on fixed dates: every milestone
 * across weekends, bank holidays (with their substitute days) and the year end, and the other UK regions.
 */
class WorkingDaysTests {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final StatutoryRegimes SHIPPED = StatutoryRegimes.load(Path.of("config/statutory-clocks.yaml"));
    private static final WorkingDays DAYS = SHIPPED.workingDays();

    private static Instant local(String dateTime) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(dateTime), LONDON).toInstant();
    }

    private static Instant endOf(String date) {
        return LocalDate.parse(date).plusDays(1).atStartOfDay(LONDON).toInstant().minusMillis(1);
    }

    private static Instant due(String regime, String milestone, Instant start) {
        return DAYS.due(start, SHIPPED.regime(regime).orElseThrow().milestone(milestone).orElseThrow().due());
    }

    @Test
    void dampReportAtTenToMidnightOnTheFridayBeforeABankHolidayIsDueTenWorkingDaysLater() {
        // Friday 28 August 2026, 23:50 BST; Monday 31 August is the Summer bank holiday: day 1 is Tuesday 1 September
        Instant aware = local("2026-08-28T23:50");
        assertThat(due("awaabs-law", "investigate", aware)).isEqualTo(endOf("2026-09-14"));
    }

    @Test
    void significantHazardMilestonesRunFromTheInvestigation() {
        // investigation finished Wednesday 23 December 2026: Christmas Day and the Boxing Day substitute (Monday 28) skipped
        Instant investigated = local("2026-12-23T15:00");
        assertThat(due("awaabs-law", "written-summary", investigated)).isEqualTo(endOf("2026-12-30"));
        assertThat(due("awaabs-law", "safety-work", investigated)).isEqualTo(endOf("2027-01-04"));
        assertThat(due("awaabs-law", "further-works-start", investigated)).isEqualTo(endOf("2027-01-04"));
        StatutoryRegimes.Milestone further = SHIPPED.regime("awaabs-law").orElseThrow().milestone("further-works-start").orElseThrow();
        // the one extension reaches 12 calendar weeks from the investigation, not from the 5-working-day due date
        assertThat(DAYS.extended(investigated, endOf("2027-01-04"), further.extension())).isEqualTo(endOf("2027-03-17"));
    }

    @Test
    void emergencyHazardIsMadeSafeWithin24HoursRoundTheClock() {
        Instant aware = local("2026-12-24T22:15");
        assertThat(due("awaabs-law", "make-safe", aware)).isEqualTo(local("2026-12-25T22:15"));
        // across the autumn clock change: 24 real hours, 23:15 on the local clock
        assertThat(due("awaabs-law", "make-safe", local("2026-10-24T23:15"))).isEqualTo(local("2026-10-25T22:15"));
    }

    @Test
    void complaintStagesAcrossTheYearEnd() {
        // received Wednesday 23 December 2026: 24 Dec, 29, 30, 31 Dec, 4 Jan (Christmas, 28 Dec and New Year's Day skipped)
        Instant received = local("2026-12-23T10:00");
        assertThat(due("complaint-handling-code", "acknowledge", received)).isEqualTo(endOf("2027-01-04"));
        // the office closes 29-30 December (config/sla-policy.yaml) but the statutory working days do not stop for it
        assertThat(DAYS.isWorkingDay(LocalDate.parse("2026-12-29"))).isTrue();
        Instant acknowledged = local("2027-01-04T09:30");
        Instant stage1 = due("complaint-handling-code", "stage-1-response", acknowledged);
        assertThat(stage1).isEqualTo(endOf("2027-01-18"));
        StatutoryRegimes.Milestone stageOne = SHIPPED.regime("complaint-handling-code").orElseThrow().milestone("stage-1-response").orElseThrow();
        assertThat(DAYS.extended(acknowledged, stage1, stageOne.extension())).isEqualTo(endOf("2027-02-01"));
        // escalation asked on Thursday 25 March 2027: Good Friday (26) and Easter Monday (29) skipped, 30 March is day 1
        Instant escalated = local("2027-03-25T16:00");
        assertThat(due("complaint-handling-code", "escalation-acknowledge", escalated)).isEqualTo(endOf("2027-04-05"));
        Instant escalationAcknowledged = local("2027-04-01T11:00");
        // 20 working days from Thursday 1 April 2027: four whole weeks, no bank holiday in them
        assertThat(due("complaint-handling-code", "stage-2-response", escalationAcknowledged)).isEqualTo(endOf("2027-04-29"));
    }

    @Test
    void scotlandAndNorthernIrelandHaveTheirOwnBankHolidays() {
        WorkingDays england = new WorkingDays(BusinessCalendar.workingDays(LONDON, "gb", "eng"));
        WorkingDays scotland = new WorkingDays(BusinessCalendar.workingDays(LONDON, "gb", "sct"));
        WorkingDays northernIreland = new WorkingDays(BusinessCalendar.workingDays(LONDON, "gb", "nir"));
        // Scotland's summer bank holiday is the first Monday of August, England's the last
        assertThat(england.plusWorkingDays(LocalDate.parse("2026-07-31"), 1)).isEqualTo(LocalDate.parse("2026-08-03"));
        assertThat(scotland.plusWorkingDays(LocalDate.parse("2026-07-31"), 1)).isEqualTo(LocalDate.parse("2026-08-04"));
        assertThat(scotland.plusWorkingDays(LocalDate.parse("2026-08-28"), 1)).isEqualTo(LocalDate.parse("2026-08-31"));
        // St Patrick's Day, Tuesday 17 March 2026
        assertThat(northernIreland.isWorkingDay(LocalDate.parse("2026-03-17"))).isFalse();
        assertThat(england.isWorkingDay(LocalDate.parse("2026-03-17"))).isTrue();
    }
}
