package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.util.Locale;

/** Wires the housing system lookup the case enricher uses, when {@code casebridge.enrichment.enabled}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EnrichmentProperties.class)
class EnrichmentConfiguration {

    @Bean
    @ConditionalOnProperty(name = "casebridge.enrichment.enabled", havingValue = "true")
    HousingLookup housingLookup(EnrichmentProperties properties, ObjectMapper mapper, DataSource bridgeDatabase) {
        return switch (properties.getLookup().strip().toLowerCase(Locale.ROOT)) {
            case "rest" -> new RestHousingLookup(properties, mapper);
            case "sql" -> new SqlHousingLookup(properties, housingDatabase(properties.getSql(), bridgeDatabase));
            default -> throw new IllegalStateException("casebridge.enrichment.lookup must be rest or sql, not '" + properties.getLookup() + "'");
        };
    }

    private static DataSource housingDatabase(EnrichmentProperties.Sql sql, DataSource bridgeDatabase) {
        if (sql.getUrl() == null || sql.getUrl().isBlank()) {
            return bridgeDatabase;
        }
        // a small pool of its own: a slow housing database must not take the bridge's connections
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName("housing-lookup");
        pool.setJdbcUrl(sql.getUrl());
        pool.setUsername(sql.getUsername());
        pool.setPassword(sql.getPassword());
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(0);
        pool.setConnectionTimeout(2000);
        pool.setReadOnly(true);
        pool.setInitializationFailTimeout(-1); // the bridge starts while the housing database is down
        return pool;
    }
}
