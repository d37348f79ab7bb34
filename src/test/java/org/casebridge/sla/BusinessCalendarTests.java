package org.casebridge.sla;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Priority;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Clock arithmetic of the shipped policy (config/sla-policy.yaml): nights, weekends, bank holidays, DST and pauses. */
class BusinessCalendarTests {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final SlaPolicy POLICY = SlaPolicy.load(Path.of("config/sla-policy.yaml"));
    private static final BusinessCalendar CALENDAR = POLICY.calendar();

    private static Instant london(String localDateTime) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), LONDON).toInstant();
    }

    @Test
    void businessTimeStopsOverNight() {
        // Tuesday 17:00 + 10h: 1h on Tuesday, 9h on Wednesday from 08:00
        assertThat(CALENDAR.plus(london("2026-11-24T17:00"), Duration.ofHours(10))).isEqualTo(london("2026-11-25T17:00"));
        // a message at 22:00 starts counting at 08:00 the next morning
        assertThat(CALENDAR.plus(london("2026-11-24T22:00"), Duration.ofHours(2))).isEqualTo(london("2026-11-25T10:00"));
    }

    @Test
    void businessTimeSkipsTheWeekend() {
        assertThat(CALENDAR.plus(london("2026-11-27T16:00"), Duration.ofHours(4))).isEqualTo(london("2026-11-30T10:00"));
        assertThat(CALENDAR.between(london("2026-11-27T16:00"), london("2026-11-30T10:00"))).isEqualTo(Duration.ofHours(4));
        assertThat(CALENDAR.plus(london("2026-11-28T11:00"), Duration.ofMinutes(30))).isEqualTo(london("2026-11-30T08:30"));
    }

    @Test
    void businessTimeSkipsEnglishBankHolidaysIncludingSubstituteDays() {
        // Easter 2026: Good Friday 3 April, Easter Monday 6 April
        assertThat(CALENDAR.isBankHoliday(LocalDate.parse("2026-04-03"))).isTrue();
        assertThat(CALENDAR.isBankHoliday(LocalDate.parse("2026-04-06"))).isTrue();
        assertThat(CALENDAR.plus(london("2026-04-02T17:00"), Duration.ofHours(2))).isEqualTo(london("2026-04-07T09:00"));
        // Boxing Day 2026 is a Saturday: Monday 28 December is the substitute bank holiday
        assertThat(CALENDAR.isBankHoliday(LocalDate.parse("2026-12-28"))).isTrue();
        // Christmas: Eve closes at 13:00 (own closure), 25 and 28 are bank holidays, 29-30 our own closure
        assertThat(CALENDAR.plus(london("2026-12-24T12:00"), Duration.ofHours(4))).isEqualTo(london("2026-12-31T11:00"));
        // Early May bank holiday 2027 is Monday 3 May
        assertThat(CALENDAR.plus(london("2027-04-30T17:30"), Duration.ofHours(1))).isEqualTo(london("2027-05-04T08:30"));
    }

    @Test
    void scotlandHasItsOwnBankHolidays() {
        SlaPolicySettings settings = settings("08:00-18:00");
        settings.getBankHolidays().setRegion("sct");
        BusinessCalendar scotland = SlaPolicy.from(settings).calendar();
        // 2 January is a bank holiday in Scotland only (Friday 2 January 2026)
        assertThat(scotland.isBankHoliday(LocalDate.parse("2026-01-02"))).isTrue();
        assertThat(CALENDAR.isBankHoliday(LocalDate.parse("2026-01-02"))).isFalse();
    }

    @Test
    void openingHoursFollowTheClocksWhenSummerTimeStartsAndEnds() {
        // Friday 27 March 17:00 GMT + 2h -> Monday 30 March 09:00 BST (08:00 UTC)
        assertThat(CALENDAR.plus(london("2026-03-27T17:00"), Duration.ofHours(2))).isEqualTo(Instant.parse("2026-03-30T08:00:00Z"));
        // Friday 23 October 17:00 BST + 2h -> Monday 26 October 09:00 GMT (09:00 UTC)
        assertThat(CALENDAR.plus(london("2026-10-23T17:00"), Duration.ofHours(2))).isEqualTo(Instant.parse("2026-10-26T09:00:00Z"));
    }

    @Test
    void aRoundTheClockDayHasTwentyThreeOrTwentyFiveHoursOnTheDaysTheClocksChange() {
        BusinessCalendar always = SlaPolicy.from(settings("00:00-24:00")).calendar();
        assertThat(always.between(london("2026-03-29T00:00"), london("2026-03-30T00:00"))).isEqualTo(Duration.ofHours(23));
        assertThat(always.between(london("2026-10-25T00:00"), london("2026-10-26T00:00"))).isEqualTo(Duration.ofHours(25));
        // opening at 01:30 on the spring-forward day (a time that does not exist) means opening at 02:00 BST
        BusinessCalendar early = SlaPolicy.from(settings("01:30-03:00")).calendar();
        assertThat(early.plus(london("2026-03-29T00:00"), Duration.ofMinutes(30))).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        // P1 runs round the clock: one hour is one real hour across the change
        SlaPolicy.Deadline p1 = POLICY.deadline(SlaClock.FIRST_RESPONSE, Channel.EMAIL, Priority.P1, Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(p1.due()).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
        assertThat(p1.warnAt()).isEqualTo(Instant.parse("2026-10-25T01:15:00Z"));
    }

    @Test
    void aPauseKeepsWhatWasLeftOfTheTarget() {
        Instant opened = london("2026-11-23T09:00");
        SlaPolicy.Deadline p3 = POLICY.deadline(SlaClock.FIRST_RESPONSE, Channel.EMAIL, Priority.P3, opened);
        assertThat(p3.due()).isEqualTo(london("2026-11-24T09:00"));
        // paused Monday 12:00 (7 business hours left), resumed Wednesday 10:00: due Wednesday 17:00
        assertThat(POLICY.resumed(Channel.EMAIL, Priority.P3, p3.due(), london("2026-11-23T12:00"), london("2026-11-25T10:00")))
                .isEqualTo(london("2026-11-25T17:00"));
        // a round-the-clock target keeps its real time left
        assertThat(POLICY.resumed(Channel.EMAIL, Priority.P1, Instant.parse("2026-11-23T10:00:00Z"),
                Instant.parse("2026-11-23T09:40:00Z"), Instant.parse("2026-11-23T15:00:00Z"))).isEqualTo(Instant.parse("2026-11-23T15:20:00Z"));
        // a deadline already passed when the pause began stays where it was
        assertThat(POLICY.resumed(Channel.EMAIL, Priority.P3, london("2026-11-23T11:00"), london("2026-11-23T12:00"), london("2026-11-25T10:00")))
                .isEqualTo(london("2026-11-23T11:00"));
    }

    @Test
    void everyChannelHasTheSameTargetUnlessOverriddenExplicitly() {
        for (Channel channel : Channel.values()) {
            assertThat(POLICY.target(channel, Priority.P2)).isEqualTo(POLICY.target(Channel.EMAIL, Priority.P2));
        }
        SlaPolicySettings settings = settings("08:00-18:00");
        SlaPolicySettings.Target faster = new SlaPolicySettings.Target();
        faster.setFirstResponse(Duration.ofHours(2));
        settings.setChannelOverrides(Map.of(Channel.TWITTER, Map.of(Priority.P3, faster)));
        SlaPolicy policy = SlaPolicy.from(settings);
        assertThat(policy.target(Channel.TWITTER, Priority.P3).firstResponse()).isEqualTo(Duration.ofHours(2));
        assertThat(policy.target(Channel.TWITTER, Priority.P3).nextResponse()).isEqualTo(Duration.ofHours(20));
        assertThat(policy.target(Channel.EMAIL, Priority.P3).firstResponse()).isEqualTo(Duration.ofHours(10));
    }

    @Test
    void refusesAPolicyThatCannotWork() {
        assertThatThrownBy(() -> SlaPolicy.from(settings("18:00-08:00"))).hasMessageContaining("opening-hours.monday");
        SlaPolicySettings noTarget = settings("08:00-18:00");
        noTarget.getTargets().remove(Priority.P4);
        assertThatThrownBy(() -> SlaPolicy.from(noTarget)).hasMessageContaining("targets.P4");
        SlaPolicySettings share = settings("08:00-18:00");
        share.setWarningShare(1.5);
        assertThatThrownBy(() -> SlaPolicy.from(share)).hasMessageContaining("warning-share");
    }

    // ---- properties, over any start in 2026-2028 and any target up to 200 business hours

    @Property(tries = 300)
    void addingBusinessTimeAndMeasuringItBackAgree(@ForAll("instants") Instant start, @ForAll("durations") Duration amount) {
        Instant due = CALENDAR.plus(start, amount);
        assertThat(CALENDAR.between(start, due)).isEqualTo(amount);
        // the deadline falls in open time (or at the end of an open span), never inside a closed stretch
        assertThat(CALENDAR.isOpen(due.minusMillis(1))).isTrue();
    }

    @Property(tries = 200)
    void moreTimeNeverEndsEarlier(@ForAll("instants") Instant start, @ForAll("durations") Duration a, @ForAll("durations") Duration b) {
        Duration shorter = a.compareTo(b) <= 0 ? a : b;
        Duration longer = a.compareTo(b) <= 0 ? b : a;
        assertThat(CALENDAR.plus(start, shorter)).isBeforeOrEqualTo(CALENDAR.plus(start, longer));
    }

    @Property(tries = 200)
    void aPauseNeverShortensTheTimeLeft(@ForAll("instants") Instant opened, @ForAll("durations") Duration pausedAfter,
                                        @ForAll("durations") Duration pausedFor) {
        SlaPolicy.Deadline deadline = POLICY.deadline(SlaClock.FIRST_RESPONSE, Channel.EMAIL, Priority.P3, opened);
        Instant pausedAt = CALENDAR.plus(opened, pausedAfter);
        Instant resumedAt = pausedAt.plus(pausedFor);
        Instant resumed = POLICY.resumed(Channel.EMAIL, Priority.P3, deadline.due(), pausedAt, resumedAt);
        if (deadline.due().isAfter(pausedAt)) {
            assertThat(CALENDAR.between(resumedAt, resumed)).isEqualTo(CALENDAR.between(pausedAt, deadline.due()));
        } else {
            assertThat(resumed).isEqualTo(deadline.due());
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        long from = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2028-12-31T00:00:00Z").getEpochSecond();
        return Arbitraries.longs().between(from, to).map(s -> Instant.ofEpochSecond(s - s % 60));
    }

    @Provide
    Arbitrary<Duration> durations() {
        return Arbitraries.longs().between(1, 200 * 60).map(Duration::ofMinutes);
    }

    static SlaPolicySettings settings(String weekdayHours) {
        SlaPolicySettings settings = new SlaPolicySettings();
        for (String day : new String[]{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
            settings.getOpeningHours().put(day, weekdayHours);
        }
        for (Priority priority : Priority.values()) {
            SlaPolicySettings.Target target = new SlaPolicySettings.Target();
            target.setFirstResponse(Duration.ofHours(10));
            target.setNextResponse(Duration.ofHours(20));
            target.setHours("business");
            settings.getTargets().put(priority, target);
        }
        return settings;
    }
}
