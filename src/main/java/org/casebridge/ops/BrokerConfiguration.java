package org.casebridge.ops;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.policy.IndividualDeadLetterStrategy;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.camel.component.jms.JmsComponent;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The message broker: an embedded ActiveMQ Classic broker with a persistent KahaDB journal, listening on TCP, unless
 * {@code casebridge.broker.url} names an external broker; and the pooled connection factory Camel's jms component uses.
 */
@Configuration(proxyBeanMethods = false)
class BrokerConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfiguration.class);

    @Bean
    @ConditionalOnExpression("'${casebridge.broker.url:}'.isBlank()")
    BrokerSecurity brokerSecurity(CasebridgeProperties properties) {
        return new BrokerSecurity(properties);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnExpression("'${casebridge.broker.url:}'.isBlank()")
    BrokerService embeddedBroker(CasebridgeProperties properties, BrokerSecurity security) throws Exception {
        CasebridgeProperties.Broker settings = properties.getBroker();
        BrokerService broker = new BrokerService();
        broker.setBrokerName(settings.getEmbeddedName());
        broker.setDataDirectoryFile(properties.getDataDir().resolve("activemq").toFile());
        broker.setPersistent(true);
        KahaDBPersistenceAdapter journal = new KahaDBPersistenceAdapter();
        journal.setDirectory(properties.getDataDir().resolve("activemq").resolve("kahadb").toFile());
        broker.setPersistenceAdapter(journal);
        // JMX on the platform MBean server, so Hawtio shows the broker's queues beside the Camel routes
        broker.setUseJmx(true);
        broker.getManagementContext().setCreateConnector(false);
        broker.setUseShutdownHook(false);
        broker.setSchedulerSupport(false);
        broker.setPopulateJMSXUserID(false);
        // messages the broker itself gives up on keep the house convention: <queue>.dlq
        IndividualDeadLetterStrategy deadLetters = new IndividualDeadLetterStrategy();
        deadLetters.setQueuePrefix("");
        deadLetters.setQueueSuffix(".dlq");
        deadLetters.setUseQueueForQueueMessages(true);
        PolicyEntry queues = new PolicyEntry();
        queues.setQueue(">");
        queues.setDeadLetterStrategy(deadLetters);
        PolicyMap policies = new PolicyMap();
        policies.setPolicyEntries(List.of(queues));
        broker.setDestinationPolicy(policies);
        // every connection logs in; what each user may read and write: BrokerSecurity
        broker.setPlugins(security.plugins());
        broker.addConnector(settings.getEmbeddedBind());
        return broker;
    }

    @Bean
    ConnectionFactory jmsConnectionFactory(CasebridgeProperties properties, ObjectProvider<BrokerService> embedded,
                                           ObjectProvider<BrokerSecurity> security) throws Exception {
        CasebridgeProperties.Broker settings = properties.getBroker();
        String url;
        String username = settings.getUsername();
        String password = settings.getPassword();
        if (settings.isEmbedded()) {
            BrokerService broker = embedded.getObject();
            username = security.getObject().bridge().username();
            password = security.getObject().bridge().password();
            url = broker.getTransportConnectors().get(0).getPublishableConnectString();
            LOG.info("Embedded ActiveMQ broker '{}' listening on {}", broker.getBrokerName(), url);
        } else {
            url = settings.getUrl();
            LOG.info("Using external broker at {}", url);
        }
        ActiveMQConnectionFactory activeMq = new ActiveMQConnectionFactory(url);
        activeMq.setUserName(username);
        activeMq.setPassword(password);
        // a broker that stops answering must turn into a 503 for the sender, not a hung request
        activeMq.setSendTimeout((int) settings.getSendTimeout().toMillis());
        activeMq.setConnectResponseTimeout((int) settings.getSendTimeout().toMillis());
        activeMq.setTrustedPackages(List.of());
        activeMq.setWatchTopicAdvisories(false);
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(activeMq);
        pool.setMaxConnections(4);
        pool.setMaxSessionsPerConnection(500);
        pool.setBlockIfSessionPoolIsFullTimeout(settings.getSendTimeout().toMillis());
        return pool;
    }

    @Bean("jms")
    JmsComponent jmsComponent(ConnectionFactory connectionFactory) {
        JmsComponent jms = JmsComponent.jmsComponentAutoAcknowledge(connectionFactory);
        jms.setDeliveryPersistent(true);
        return jms;
    }
}
