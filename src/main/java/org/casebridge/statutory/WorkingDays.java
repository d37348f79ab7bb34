package org.casebridge.statutory;

import org.casebridge.sla.BusinessCalendar;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Statutory deadline arithmetic on the shared business calendar's working days (Monday to Friday minus Jollyday's
 * bank holidays). "Within 10 working days of becoming aware" does not count the day of awareness and ends at local
 * midnight at the end of the tenth working day; calendar days and weeks end at midnight too; hours are exact.
 */
public final class WorkingDays {

    private final BusinessCalendar calendar;

    WorkingDays(BusinessCalendar calendar) {
        this.calendar = calendar;
    }

    public BusinessCalendar calendar() {
        return calendar;
    }

    /** Whether {@code date} counts as a working day. */
    public boolean isWorkingDay(LocalDate date) {
        return calendar.isOpenOn(date);
    }

    /** The local date that is {@code days} working days after {@code date} ({@code date} itself not counted). */
    public LocalDate plusWorkingDays(LocalDate date, int days) {
        LocalDate day = date;
        for (int counted = 0; counted < days; ) {
            day = day.plusDays(1);
            if (isWorkingDay(day)) {
                counted++;
            }
        }
        return day;
    }

    /** The deadline {@code duration} after {@code start}: the end of its last day, or exactly so many hours later. */
    public Instant due(Instant start, StatutoryDuration duration) {
        LocalDate day = start.atZone(calendar.zone()).toLocalDate();
        LocalDate last = switch (duration.unit()) {
            case HOURS -> null;
            case WORKING_DAYS -> plusWorkingDays(day, duration.amount());
            case DAYS -> day.plusDays(duration.amount());
            case WEEKS -> day.plusWeeks(duration.amount());
        };
        return last == null ? start.plusSeconds(3600L * duration.amount()) : endOf(last);
    }

    /** The latest due time {@code extension} allows a milestone that started at {@code start} and was due at {@code due}. */
    public Instant extended(Instant start, Instant due, StatutoryRegimes.Extension extension) {
        return due(extension.fromStart() ? start : due, extension.upTo());
    }

    /** The last instant of local {@code day} (its deadline is met by anything before midnight). */
    public Instant endOf(LocalDate day) {
        return day.plusDays(1).atStartOfDay(calendar.zone()).toInstant().minusMillis(1);
    }

    /** The local date of {@code instant}. */
    public LocalDate dateOf(Instant instant) {
        return instant.atZone(calendar.zone()).toLocalDate();
    }
}
