package org.casebridge.sla;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Priority;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one SLA policy for every channel ({@code config/sla-policy.yaml}): first- and next-response targets per priority,
 * counted in business hours ({@link BusinessCalendar}) or round the clock, and a channel's own target only where the
 * file overrides it explicitly.
 */
public final class SlaPolicy {

    /** When a clock falls due, and when its warning does. */
    public record Deadline(Instant due, Instant warnAt) {
    }

    /** One priority's resolved target. */
    public record Target(Duration firstResponse, Duration nextResponse, boolean businessHours) {

        Duration of(SlaClock clock) {
            return clock == SlaClock.FIRST_RESPONSE ? firstResponse : nextResponse;
        }
    }

    private final BusinessCalendar calendar;
    private final double warningShare;
    private final Map<Priority, Target> targets;
    private final Map<Channel, Map<Priority, Target>> overrides;

    SlaPolicy(BusinessCalendar calendar, double warningShare, Map<Priority, Target> targets, Map<Channel, Map<Priority, Target>> overrides) {
        this.calendar = calendar;
        this.warningShare = warningShare;
        this.targets = targets;
        this.overrides = overrides;
    }

    /** Reads and checks the policy file; every mistake names the file and the key. */
    public static SlaPolicy load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("SLA policy file " + file.toAbsolutePath() + " does not exist (casebridge.sla.policy-file)");
        }
        SlaPolicySettings settings;
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(file.toString(), new FileSystemResource(file));
            Binder binder = new Binder(ConfigurationPropertySources.from(sources), null, ApplicationConversionService.getSharedInstance());
            // unknown keys are refused: a misspelt target must not silently fall back to a default
            settings = binder.bindOrCreate(ConfigurationPropertyName.EMPTY, Bindable.of(SlaPolicySettings.class),
                    new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SLA policy " + file, e);
        } catch (BindException e) {
            throw new IllegalStateException(file + ": " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
        }
        try {
            return from(settings);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    /** The policy the settings describe. */
    static SlaPolicy from(SlaPolicySettings settings) {
        ZoneId zone = ZoneId.of(settings.getTimeZone());
        Map<DayOfWeek, List<BusinessCalendar.Range>> hours = new EnumMap<>(DayOfWeek.class);
        settings.getOpeningHours().forEach((day, text) -> hours.put(dayOf(day), ranges(day, text)));
        List<BusinessCalendar.Span> closures = new ArrayList<>();
        for (int i = 0; i < settings.getClosures().size(); i++) {
            closures.add(closure(zone, settings.getClosures().get(i), "closures[" + i + "]"));
        }
        SlaPolicySettings.BankHolidays holidays = settings.getBankHolidays();
        BusinessCalendar calendar = new BusinessCalendar(zone, hours, holidays.isEnabled() ? holidays.getCountry() : null,
                holidays.isEnabled() && holidays.getRegion() != null && !holidays.getRegion().isBlank() ? holidays.getRegion() : null, closures);
        double share = settings.getWarningShare();
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("warning-share must be between 0 and 1 (exclusive), not " + share);
        }
        Map<Priority, Target> targets = new EnumMap<>(Priority.class);
        for (Priority priority : Priority.values()) {
            SlaPolicySettings.Target given = settings.getTargets().get(priority);
            if (given == null || given.getFirstResponse() == null || given.getNextResponse() == null) {
                throw new IllegalArgumentException("targets." + priority + " needs first-response and next-response");
            }
            targets.put(priority, target("targets." + priority, given, null));
        }
        Map<Channel, Map<Priority, Target>> overrides = new EnumMap<>(Channel.class);
        settings.getChannelOverrides().forEach((channel, byPriority) -> {
            Map<Priority, Target> own = new EnumMap<>(Priority.class);
            byPriority.forEach((priority, given) -> own.put(priority,
                    target("channel-overrides." + channel.wireName() + "." + priority, given, targets.get(priority))));
            overrides.put(channel, own);
        });
        return new SlaPolicy(calendar, share, targets, overrides);
    }

    public BusinessCalendar calendar() {
        return calendar;
    }

    public double warningShare() {
        return warningShare;
    }

    /** The target that applies to a case of this channel and priority. */
    public Target target(Channel channel, Priority priority) {
        Map<Priority, Target> own = channel == null ? null : overrides.get(channel);
        return own != null && own.containsKey(priority) ? own.get(priority) : targets.get(priority);
    }

    /** The deadline of {@code clock} for a case of this channel and priority whose clock starts at {@code start}. */
    public Deadline deadline(SlaClock clock, Channel channel, Priority priority, Instant start) {
        Target target = target(channel, priority);
        Duration amount = target.of(clock);
        Duration warning = Duration.ofMillis(Math.round(amount.toMillis() * warningShare));
        return new Deadline(plus(target, start, amount), plus(target, start, warning));
    }

    /**
     * A deadline after a pause from {@code pausedAt} to {@code resumedAt}: what was left of it when the pause began is
     * left of it when the pause ends. A time already passed when the pause began stays.
     */
    public Instant resumed(Channel channel, Priority priority, Instant deadline, Instant pausedAt, Instant resumedAt) {
        if (deadline == null || pausedAt == null || !deadline.isAfter(pausedAt) || !resumedAt.isAfter(pausedAt)) {
            return deadline;
        }
        Target target = target(channel, priority);
        Duration left = target.businessHours() ? calendar.between(pausedAt, deadline) : Duration.between(pausedAt, deadline);
        return plus(target, resumedAt, left);
    }

    private Instant plus(Target target, Instant start, Duration amount) {
        return target.businessHours() ? calendar.plus(start, amount) : start.plus(amount);
    }

    private static Target target(String where, SlaPolicySettings.Target given, Target base) {
        Duration first = given.getFirstResponse() != null ? given.getFirstResponse() : base.firstResponse();
        Duration next = given.getNextResponse() != null ? given.getNextResponse() : base.nextResponse();
        if (first.isNegative() || first.isZero() || next.isNegative() || next.isZero()) {
            throw new IllegalArgumentException(where + ": targets must be positive durations");
        }
        boolean business;
        if (given.getHours() == null) {
            business = base == null || base.businessHours();
        } else {
            business = switch (given.getHours().strip().toLowerCase(Locale.ROOT)) {
                case "business" -> true;
                case "round-the-clock" -> false;
                default -> throw new IllegalArgumentException(where + ".hours must be business or round-the-clock, not '" + given.getHours() + "'");
            };
        }
        return new Target(first, next, business);
    }

    private static DayOfWeek dayOf(String name) {
        try {
            return DayOfWeek.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("opening-hours: '" + name + "' is not a day (monday ... sunday)");
        }
    }

    private static List<BusinessCalendar.Range> ranges(String day, String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("closed")) {
            return List.of();
        }
        List<BusinessCalendar.Range> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] times = part.strip().split("-");
            if (times.length != 2) {
                throw new IllegalArgumentException("opening-hours." + day + ": '" + part.strip() + "' is not a range like 08:00-18:00");
            }
            int start = minutes(day, times[0]);
            int end = minutes(day, times[1]);
            if (end <= start) {
                throw new IllegalArgumentException("opening-hours." + day + ": '" + part.strip() + "' ends before it starts");
            }
            ranges.add(new BusinessCalendar.Range(start, end));
        }
        return ranges;
    }

    private static int minutes(String day, String time) {
        String value = time.strip();
        if (value.equals("24:00")) {
            return 24 * 60;
        }
        try {
            LocalTime parsed = LocalTime.parse(value);
            return parsed.getHour() * 60 + parsed.getMinute();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("opening-hours." + day + ": '" + value + "' is not a time like 08:00");
        }
    }

    private static BusinessCalendar.Span closure(ZoneId zone, SlaPolicySettings.Closure closure, String where) {
        try {
            if (closure.getStart() != null || closure.getEnd() != null) {
                if (closure.getStart() == null || closure.getEnd() == null) {
                    throw new IllegalArgumentException(where + ": start and end go together");
                }
                return span(where, ZonedDateTime.of(LocalDateTime.parse(closure.getStart()), zone).toInstant(),
                        ZonedDateTime.of(LocalDateTime.parse(closure.getEnd()), zone).toInstant());
            }
            if (closure.getDate() == null) {
                throw new IllegalArgumentException(where + ": give a date, or start and end");
            }
            LocalDate date = LocalDate.parse(closure.getDate());
            Instant from = closure.getFrom() == null ? date.atStartOfDay(zone).toInstant()
                    : ZonedDateTime.of(date, LocalTime.parse(closure.getFrom()), zone).toInstant();
            Instant until = closure.getUntil() == null || closure.getUntil().equals("24:00") ? date.plusDays(1).atStartOfDay(zone).toInstant()
                    : ZonedDateTime.of(date, LocalTime.parse(closure.getUntil()), zone).toInstant();
            return span(where, from, until);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static BusinessCalendar.Span span(String where, Instant start, Instant end) {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException(where + ": ends before it starts");
        }
        return new BusinessCalendar.Span(start, end);
    }
}
