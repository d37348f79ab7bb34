package org.casebridge.sla;

import de.focus_shift.jollyday.core.Holiday;
import de.focus_shift.jollyday.core.HolidayManager;
import de.focus_shift.jollyday.core.ManagerParameters;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Business time: opening hours per weekday in one time zone, minus bank holidays (Jollyday) and our own closures.
 * Opening hours are local times, so a DST change moves them with the clocks; a day's hours that fall into the
 * spring-forward gap begin when the clocks have gone forward.
 */
public final class BusinessCalendar {

    /** An opening range in minutes of the local day, {@code end} up to 1440 (24:00). */
    record Range(int start, int end) {
    }

    /** A span of time, start inclusive, end exclusive. */
    record Span(Instant start, Instant end) {
    }

    /** A calendar with no open hours at all would make every deadline infinite: stop looking after this. */
    private static final int MAX_DAYS = 3 * 366;

    private final ZoneId zone;
    private final Map<DayOfWeek, List<Range>> hours;
    private final HolidayManager holidays;
    private final String region;
    private final List<Span> closures;
    private final Map<Integer, Set<LocalDate>> holidaysByYear = new ConcurrentHashMap<>();

    BusinessCalendar(ZoneId zone, Map<DayOfWeek, List<Range>> hours, String holidayCountry, String region, List<Span> closures) {
        this.zone = zone;
        this.hours = new EnumMap<>(hours);
        this.holidays = holidayCountry == null ? null : HolidayManager.getInstance(ManagerParameters.create(holidayCountry));
        this.region = region;
        this.closures = List.copyOf(closures);
        if (this.hours.values().stream().allMatch(List::isEmpty)) {
            throw new IllegalArgumentException("opening-hours: the calendar has no open hours on any day");
        }
    }

    /**
     * A calendar of whole working days, Monday to Friday minus the bank holidays of Jollyday's {@code country} and
     * {@code region} (e.g. {@code gb}/{@code eng}), with none of our own closures: the working days a statute counts
     * (used by the statutory clocks, which must not stop for an office closing between Christmas and New Year).
     */
    public static BusinessCalendar workingDays(ZoneId zone, String country, String region) {
        Map<DayOfWeek, List<Range>> hours = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            hours.put(day, day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? List.of() : List.of(new Range(0, 24 * 60)));
        }
        return new BusinessCalendar(zone, hours, country, region == null || region.isBlank() ? null : region, List.of());
    }

    public ZoneId zone() {
        return zone;
    }

    /** Whether any part of the local day {@code date} is open (not a closed weekday, bank holiday or whole-day closure). */
    public boolean isOpenOn(LocalDate date) {
        return !openSpans(date).isEmpty();
    }

    /** Whether {@code date} is a bank holiday (its own date or the substitute weekday it is observed on). */
    public boolean isBankHoliday(LocalDate date) {
        if (holidays == null) {
            return false;
        }
        return holidaysByYear.computeIfAbsent(date.getYear(), year -> {
            Set<LocalDate> dates = new HashSet<>();
            for (Holiday holiday : region == null ? holidays.getHolidays(Year.of(year)) : holidays.getHolidays(Year.of(year), region)) {
                dates.add(holiday.getDate());
                holiday.getObservedDate().ifPresent(dates::add);
            }
            return Set.copyOf(dates);
        }).contains(date);
    }

    /** The instant {@code amount} of business time after {@code start}; a zero amount is {@code start} itself. */
    public Instant plus(Instant start, Duration amount) {
        if (amount.isZero() || amount.isNegative()) {
            return start;
        }
        Duration remaining = amount;
        LocalDate day = start.atZone(zone).toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            for (Span open : openSpans(day)) {
                if (!open.end().isAfter(start)) {
                    continue;
                }
                Instant from = open.start().isAfter(start) ? open.start() : start;
                Duration length = Duration.between(from, open.end());
                if (remaining.compareTo(length) <= 0) {
                    return from.plus(remaining);
                }
                remaining = remaining.minus(length);
            }
        }
        throw new IllegalStateException("No business time within " + MAX_DAYS + " days after " + start);
    }

    /** Business time between two instants (zero when {@code to} is not after {@code from}). */
    public Duration between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        Duration total = Duration.ZERO;
        LocalDate last = to.atZone(zone).toLocalDate();
        for (LocalDate day = from.atZone(zone).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            for (Span open : openSpans(day)) {
                Instant s = open.start().isAfter(from) ? open.start() : from;
                Instant e = open.end().isBefore(to) ? open.end() : to;
                if (e.isAfter(s)) {
                    total = total.plus(Duration.between(s, e));
                }
            }
        }
        return total;
    }

    /** Whether the service is open at {@code instant}. */
    public boolean isOpen(Instant instant) {
        return openSpans(instant.atZone(zone).toLocalDate()).stream()
                .anyMatch(s -> !s.start().isAfter(instant) && s.end().isAfter(instant));
    }

    /** The open spans of a local day: its opening hours unless a bank holiday, minus closures. */
    List<Span> openSpans(LocalDate day) {
        List<Range> ranges = hours.getOrDefault(day.getDayOfWeek(), List.of());
        if (ranges.isEmpty() || isBankHoliday(day)) {
            return List.of();
        }
        List<Span> spans = new ArrayList<>();
        for (Range range : ranges) {
            spans.add(new Span(at(day, range.start()), at(day, range.end())));
        }
        for (Span closure : closures) {
            spans = subtract(spans, closure);
        }
        return spans;
    }

    private Instant at(LocalDate day, int minute) {
        if (minute >= 24 * 60) {
            return day.plusDays(1).atStartOfDay(zone).toInstant();
        }
        java.time.LocalDateTime local = day.atTime(LocalTime.of(minute / 60, minute % 60));
        java.time.zone.ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            // a time inside the spring-forward gap does not exist: opening then is the moment the clocks go forward
            return transition.getInstant();
        }
        return ZonedDateTime.of(local, zone).toInstant();
    }

    private static List<Span> subtract(List<Span> spans, Span closure) {
        List<Span> result = new ArrayList<>();
        for (Span span : spans) {
            if (!closure.end().isAfter(span.start()) || !closure.start().isBefore(span.end())) {
                result.add(span);
                continue;
            }
            if (closure.start().isAfter(span.start())) {
                result.add(new Span(span.start(), closure.start()));
            }
            if (closure.end().isBefore(span.end())) {
                result.add(new Span(closure.end(), span.end()));
            }
        }
        return result;
    }
}
