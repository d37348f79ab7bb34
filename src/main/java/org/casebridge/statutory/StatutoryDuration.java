package org.casebridge.statutory;

import java.util.Locale;

/** A statutory time limit as the law words it: {@code 10 working-days}, {@code 24 hours}, {@code 5 days}, {@code 12 weeks}. */
public record StatutoryDuration(int amount, Unit unit) {

    /** Working days skip weekends and bank holidays; the other units count round the clock. */
    public enum Unit {
        WORKING_DAYS, HOURS, DAYS, WEEKS
    }

    static StatutoryDuration parse(String text) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. '10 working-days', '24 hours', '12 weeks')");
        }
        return new StatutoryDuration(Integer.parseInt(parts[0]), Unit.valueOf(parts[1].toUpperCase(Locale.ROOT).replace('-', '_')));
    }

    @Override
    public String toString() {
        return amount + " " + unit.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
