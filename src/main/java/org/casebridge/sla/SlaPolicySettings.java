package org.casebridge.sla;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Priority;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SLA policy file ({@code config/sla-policy.yaml}) as written: bound by Spring Boot's binder, checked by {@link SlaPolicy}. */
public class SlaPolicySettings {

    /** Time zone of the opening hours, closures and bank holidays. */
    private String timeZone = "Europe/London";
    /** Day name (monday ... sunday) to opening hours: {@code 08:00-18:00}, several ranges comma-separated, or {@code closed}. */
    private Map<String, String> openingHours = new LinkedHashMap<>();
    private BankHolidays bankHolidays = new BankHolidays();
    private List<Closure> closures = new ArrayList<>();
    /** The warning falls due at this share of the target (0 &lt; share &lt; 1). */
    private double warningShare = 0.75;
    private Map<Priority, Target> targets = new EnumMap<>(Priority.class);
    /** Only what a channel changes, explicitly: channel to priority to the target fields that differ. */
    private Map<Channel, Map<Priority, Target>> channelOverrides = new EnumMap<>(Channel.class);

    public String getTimeZone() { return timeZone; }
    public void setTimeZone(String timeZone) { this.timeZone = timeZone; }
    public Map<String, String> getOpeningHours() { return openingHours; }
    public void setOpeningHours(Map<String, String> openingHours) { this.openingHours = openingHours; }
    public BankHolidays getBankHolidays() { return bankHolidays; }
    public void setBankHolidays(BankHolidays bankHolidays) { this.bankHolidays = bankHolidays; }
    public List<Closure> getClosures() { return closures; }
    public void setClosures(List<Closure> closures) { this.closures = closures; }
    public double getWarningShare() { return warningShare; }
    public void setWarningShare(double warningShare) { this.warningShare = warningShare; }
    public Map<Priority, Target> getTargets() { return targets; }
    public void setTargets(Map<Priority, Target> targets) { this.targets = targets; }
    public Map<Channel, Map<Priority, Target>> getChannelOverrides() { return channelOverrides; }
    public void setChannelOverrides(Map<Channel, Map<Priority, Target>> channelOverrides) { this.channelOverrides = channelOverrides; }

    /** Bank holidays from Jollyday: {@code country} (e.g. gb) and {@code region} (eng, wls, sct, nir). */
    public static class BankHolidays {
        private boolean enabled = true;
        private String country = "gb";
        private String region = "eng";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getCountry() { return country; }
        public void setCountry(String country) { this.country = country; }
        public String getRegion() { return region; }
        public void setRegion(String region) { this.region = region; }
    }

    /**
     * A closure of our own: a whole {@code date}, or {@code date} with {@code from}/{@code until} times, or a span from
     * {@code start} to {@code end} (local date-times, e.g. {@code 2026-12-24T13:00}).
     */
    public static class Closure {
        private String date;
        private String from;
        private String until;
        private String start;
        private String end;
        private String reason;

        public String getDate() { return date; }
        public void setDate(String date) { this.date = date; }
        public String getFrom() { return from; }
        public void setFrom(String from) { this.from = from; }
        public String getUntil() { return until; }
        public void setUntil(String until) { this.until = until; }
        public String getStart() { return start; }
        public void setStart(String start) { this.start = start; }
        public String getEnd() { return end; }
        public void setEnd(String end) { this.end = end; }
        public String getReason() { return reason; }
        public void setReason(String reason) { this.reason = reason; }
    }

    /** Targets for one priority: first and next response, counted in business hours or round the clock. */
    public static class Target {
        private Duration firstResponse;
        private Duration nextResponse;
        /** {@code business} (opening hours only) or {@code round-the-clock}. */
        private String hours;

        public Duration getFirstResponse() { return firstResponse; }
        public void setFirstResponse(Duration firstResponse) { this.firstResponse = firstResponse; }
        public Duration getNextResponse() { return nextResponse; }
        public void setNextResponse(Duration nextResponse) { this.nextResponse = nextResponse; }
        public String getHours() { return hours; }
        public void setHours(String hours) { this.hours = hours; }
    }
}
