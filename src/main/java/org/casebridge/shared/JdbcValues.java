package org.casebridge.shared;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The conversions every JDBC class repeated: instants are written as UTC {@code timestamp with time zone} values and
 * read back whatever type the driver returns (H2 and PostgreSQL differ), and text is cut to its column's width.
 */
public final class JdbcValues {

    private JdbcValues() {
    }

    /** {@code instant} as the UTC value a {@code timestamp with time zone} column takes; null stays null. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A timestamp column's value (OffsetDateTime, Timestamp or Instant, by driver) as an instant; null otherwise. */
    public static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        return null;
    }

    /** Column {@code column} of the current row, a {@code timestamp with time zone}, as an instant; null stays null. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** {@code value} cut to {@code max} characters, for a column of that width; null stays null. */
    public static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
