package org.casebridge.customers;

import org.casebridge.support.EmbeddedPostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity store on a real PostgreSQL server (the postgres profile's database), started from Maven artefacts. */
class IdentityStorePostgresTests extends IdentityStoreContract {

    private static final EmbeddedPostgresServer POSTGRES = EmbeddedPostgresServer.start();
    private static final IdentityDatabase DB = IdentityDatabase.on(POSTGRES.jdbcUrl(), "casebridge", "casebridge");

    @AfterAll
    static void stop() {
        POSTGRES.close();
    }

    @Override
    IdentityDatabase db() {
        return DB;
    }

    @Test
    void runsOnPostgres() {
        assertThat(DB.jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
    }
}
