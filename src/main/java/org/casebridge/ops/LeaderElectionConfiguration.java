package org.casebridge.ops;

import org.apache.camel.CamelContext;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

import javax.sql.DataSource;

/**
 * One leader among all instances on the shared database, elected with Spring Integration's JDBC lock registry (the
 * INT_LOCK table, migration V8): the leader runs the singleton routes ({@link SingletonRoutes}). The lock row is
 * renewed every heartbeat; a killed leader's row expires after the lease, and another instance takes over.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LeaderProperties.class)
class LeaderElectionConfiguration {

    /** The lock key of the one role; every instance on the database competes for it. */
    static final String ROLE = "casebridge-singletons";

    @Bean
    DefaultLockRepository leaderLockRepository(DataSource dataSource, LeaderProperties properties) {
        DefaultLockRepository repository = new DefaultLockRepository(dataSource);
        repository.setRegion("casebridge");
        repository.setTimeToLive((int) properties.getLease().toMillis());
        return repository;
    }

    @Bean
    JdbcLockRegistry leaderLockRegistry(DefaultLockRepository leaderLockRepository, LeaderProperties properties) {
        JdbcLockRegistry registry = new JdbcLockRegistry(leaderLockRepository);
        registry.setIdleBetweenTries(properties.getRetry());
        return registry;
    }

    @Bean
    SingletonRoutes singletonRoutes(CamelContext camel, LeaderProperties properties) {
        return new SingletonRoutes(camel, properties.getRoutes());
    }

    @Bean
    LockRegistryLeaderInitiator leaderInitiator(JdbcLockRegistry leaderLockRegistry, SingletonRoutes singletonRoutes,
            LeaderProperties properties) throws Exception {
        LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(leaderLockRegistry, singletonRoutes);
        initiator.setHeartBeatMillis(properties.getHeartbeat().toMillis());
        initiator.setBusyWaitMillis(properties.getRetry().toMillis());
        // the routes exist only once Camel has started: SingletonRoutes starts the election then
        initiator.setAutoStartup(false);
        singletonRoutes.electWith(initiator);
        return initiator;
    }
}
