package org.casebridge.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.EmbeddedPostgresServer;
import org.casebridge.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The postgres profile: the same Flyway migrations and the same flow on a real PostgreSQL server. */
@BridgeContext("pg")
@ActiveProfiles("postgres")
class PostgresProfileTests {

    private static final EmbeddedPostgresServer POSTGRES = EmbeddedPostgresServer.start();

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        // exactly what an operator sets for the postgres profile
        registry.add("CASEBRIDGE_DB_URL", POSTGRES::jdbcUrl);
        registry.add("CASEBRIDGE_DB_USER", () -> "casebridge");
        registry.add("CASEBRIDGE_DB_PASSWORD", () -> "casebridge");
    }

    @AfterAll
    static void stopPostgres() {
        POSTGRES.close();
    }

    @Test
    void runsTheMigrationsAndStoresCasesInPostgres() throws Exception {
        assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
        assertThat(jdbc.queryForObject("select count(*) from flyway_schema_history where success", Integer.class)).isPositive();

        Http http = new Http(port);
        HttpResponse<String> created = http.post("/api/v1/messages", "application/json",
                "{\"sender\": {\"email\": \"tenant@example.org\"}, \"text\": \"Damp in the bedroom\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "demo-key-change-me", "Idempotency-Key", "pg-1"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String caseId = mapper.readTree(created.body()).get("caseId").asText();

        assertThat(jdbc.queryForObject("select delivery_state from cb_message where case_id = ?", String.class, caseId)).isEqualTo("published");
        HttpResponse<String> read = http.get("/api/v1/cases/" + caseId, Map.of("X-Api-Key", "demo-key-change-me"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(read.body()).at("/messages/0/body/text").asText()).isEqualTo("Damp in the bedroom");

        HttpResponse<String> repeated = http.post("/api/v1/messages", "application/json",
                "{\"sender\": {\"email\": \"tenant@example.org\"}, \"text\": \"Damp in the bedroom\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "demo-key-change-me", "Idempotency-Key", "pg-1"));
        assertThat(mapper.readTree(repeated.body()).get("caseId").asText()).isEqualTo(caseId);
    }
}
