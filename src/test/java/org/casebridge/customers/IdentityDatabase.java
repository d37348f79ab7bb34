package org.casebridge.customers;

import org.casebridge.cases.ThreadIndex;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** A database with the bridge's Flyway migrations applied, and the identity store on it, for tests without a bridge. */
public final class IdentityDatabase {

    public final DataSource dataSource;
    public final JdbcTemplate jdbc;
    public final TransactionTemplate tx;
    public final ThreadIndex threads;
    public final IdentityStore identities;
    public final CustomerMerges merges;
    public final CustomerCases cases;

    private IdentityDatabase(DataSource dataSource, Clock clock) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.threads = new ThreadIndex(jdbc, clock);
        CustomerRows rows = new CustomerRows(jdbc);
        this.merges = new CustomerMerges(jdbc, tx, rows, clock);
        this.identities = new IdentityStore(jdbc, tx, rows, merges, clock);
        this.cases = new CustomerCases(rows, threads);
    }

    /** A fresh in-memory H2 in PostgreSQL mode, as the bridge's default profile configures it. */
    public static IdentityDatabase h2() {
        return h2(Clock.systemUTC());
    }

    /** The same, with the identity store and thread index reading the time from {@code clock}. */
    public static IdentityDatabase h2(Clock clock) {
        return new IdentityDatabase(new DriverManagerDataSource("jdbc:h2:mem:identity-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "casebridge", ""), clock);
    }

    public static IdentityDatabase on(String jdbcUrl, String user, String password) {
        return new IdentityDatabase(new DriverManagerDataSource(jdbcUrl, user, password), Clock.systemUTC());
    }

    /** An open case with one participant, as the case store writes it. */
    public void openCase(String caseId, String channel, String participant, OffsetDateTime updatedAt) {
        jdbc.update("insert into cb_case (case_id, channel, status, subject, priority, created_at, updated_at) values (?, ?, 'open', 'x', 'P3', ?, ?)",
                caseId, channel, updatedAt, updatedAt);
        jdbc.update("insert into cb_case_participant (case_id, channel, address, created_at) values (?, ?, ?, ?)",
                caseId, channel, participant, updatedAt);
    }

    public static OffsetDateTime minutesAgo(int minutes) {
        return OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(minutes);
    }
}
