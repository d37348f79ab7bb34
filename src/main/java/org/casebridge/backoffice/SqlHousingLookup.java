package org.casebridge.backoffice;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Looks customers up with a configured SQL query per identity kind, against the housing system's database (or a
 * reporting replica, or a table in the bridge's own database). Parameters {@code :value} and {@code :channel}; columns
 * {@code customer_id} (required), {@code display_name}, {@code tenancy_ref}, {@code property_ref}, and comma-separated
 * {@code flags}, {@code emails}, {@code phones}. The first row wins; no row is "not found".
 */
class SqlHousingLookup implements HousingLookup, AutoCloseable {

    private final NamedParameterJdbcTemplate jdbc;
    private final EnrichmentProperties.Sql settings;
    private final String source;

    SqlHousingLookup(EnrichmentProperties properties, DataSource dataSource) {
        this.settings = properties.getSql();
        this.source = "sql:" + properties.getName();
        this.jdbc = new NamedParameterJdbcTemplate(dataSource);
        // a query that outlives the timeout is abandoned by the enricher; this makes the database stop it too
        this.jdbc.getJdbcTemplate().setQueryTimeout((int) Math.max(1, properties.getTimeout().toSeconds() + 1));
        this.jdbc.getJdbcTemplate().setMaxRows(1);
        if (settings.getQueries().values().stream().allMatch(q -> q == null || q.isBlank())) {
            throw new IllegalStateException("casebridge.enrichment.lookup is sql but no casebridge.enrichment.sql.queries are set");
        }
    }

    /** Closes the lookup's own connection pool (not the bridge's database, when the query runs there). */
    @Override
    public void close() throws Exception {
        if (jdbc.getJdbcTemplate().getDataSource() instanceof com.zaxxer.hikari.HikariDataSource pool && "housing-lookup".equals(pool.getPoolName())) {
            pool.close();
        }
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public boolean supports(String kind) {
        String query = settings.getQueries().get(kind);
        return query != null && !query.isBlank();
    }

    @Override
    public Optional<HousingRecord> find(String kind, String value, String channel) {
        MapSqlParameterSource parameters = new MapSqlParameterSource().addValue("value", value).addValue("channel", channel);
        return jdbc.query(settings.getQueries().get(kind), parameters, SqlHousingLookup::toRecord).stream().findFirst();
    }

    private static HousingRecord toRecord(ResultSet rs, int row) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        Set<String> columns = new HashSet<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        String customerId = text(rs, columns, "customer_id");
        if (customerId == null) {
            throw new SQLException("The lookup query returned a row without customer_id");
        }
        return new HousingRecord(customerId, text(rs, columns, "display_name"), text(rs, columns, "tenancy_ref"),
                text(rs, columns, "property_ref"), list(rs, columns, "flags"), list(rs, columns, "emails"), list(rs, columns, "phones"));
    }

    private static String text(ResultSet rs, Set<String> columns, String column) throws SQLException {
        if (!columns.contains(column)) {
            return null;
        }
        String value = rs.getString(column);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> list(ResultSet rs, Set<String> columns, String column) throws SQLException {
        String value = text(rs, columns, column);
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
