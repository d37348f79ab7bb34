package org.casebridge.ops;

import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.casebridge.support.TestInfrastructure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * An ActiveMQ Classic broker as a process of its own, for the fault suite (support/faults/BrokerProcess): a KahaDB
 * store in the folder given, one TCP port, and the test broker's users and authorisation (BrokerSecurity itself, so
 * the rules are the bridge's). Arguments: store folder, port. Prints "BROKER READY" once it accepts connections.
 * <p>
 * It lives in org.casebridge.ops because BrokerSecurity is package-private there.
 */
public final class ExternalBrokerMain {

    private ExternalBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        CasebridgeProperties properties = new CasebridgeProperties();
        properties.setDataDir(store);
        CasebridgeProperties.Broker settings = properties.getBroker();
        settings.setUsername(TestInfrastructure.BROKER_USER);
        settings.setPassword(TestInfrastructure.BROKER_PASSWORD);
        CasebridgeProperties.BrokerUser backOffice = new CasebridgeProperties.BrokerUser();
        backOffice.setUsername(TestInfrastructure.BACKOFFICE_USER);
        backOffice.setPassword(TestInfrastructure.BACKOFFICE_PASSWORD);
        backOffice.setRoles(List.of("producer", "consumer"));
        settings.setUsers(List.of(backOffice));

        BrokerService broker = new BrokerService();
        broker.setBrokerName("casebridge-faults-" + port);
        broker.setDataDirectoryFile(store.toFile());
        broker.setPersistent(true);
        KahaDBPersistenceAdapter journal = new KahaDBPersistenceAdapter();
        journal.setDirectory(store.resolve("kahadb").toFile());
        broker.setPersistenceAdapter(journal);
        broker.setUseJmx(false);
        broker.setSchedulerSupport(false);
        broker.setPlugins(new BrokerSecurity(properties).plugins());
        broker.addConnector("tcp://127.0.0.1:" + port);
        broker.start();
        broker.waitUntilStarted();
        System.out.println("BROKER READY");
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
                broker.waitUntilStopped();
            } catch (Exception ignored) {
                // the process ends anyway
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
