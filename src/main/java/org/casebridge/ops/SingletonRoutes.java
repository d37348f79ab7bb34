package org.casebridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The routes that must run on one instance at a time (each mailbox, the housing export folder): started when this
 * instance is elected leader, stopped when it loses the lead. Timers need no leader: each of them claims its rows
 * or only deletes what has expired.
 */
public class SingletonRoutes extends DefaultCandidate {

    private static final Logger LOG = LoggerFactory.getLogger(SingletonRoutes.class);

    private final CamelContext camel;
    private final List<String> routeIds;
    private volatile boolean leader;

    SingletonRoutes(CamelContext camel, List<String> routeIds) {
        super(null, LeaderElectionConfiguration.ROLE);
        this.camel = camel;
        this.routeIds = List.copyOf(routeIds);
    }

    /** Whether this instance holds the lead now. */
    public boolean isLeader() {
        return leader;
    }

    void electWith(LockRegistryLeaderInitiator initiator) throws Exception {
        AtomicBoolean started = new AtomicBoolean();
        Runnable elect = () -> {
            if (started.compareAndSet(false, true)) {
                check();
                initiator.start();
            }
        };
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                if (alreadyStarted) {
                    elect.run();
                }
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                // only now are all the other routes running: a route started earlier would be started twice
                elect.run();
            }
        });
    }

    /** A singleton route that starts by itself would run on every instance: refuse that at start-up. */
    private void check() {
        for (String id : routeIds) {
            Route route = camel.getRoute(id);
            if (route == null) {
                throw new IllegalStateException("casebridge.leader.routes names route '" + id + "', which does not exist");
            }
            if (route.isAutoStartup()) {
                throw new IllegalStateException("route '" + id + "' runs on the leader only (casebridge.leader.routes): "
                        + "its file must say autoStartup: false");
            }
        }
    }

    @Override
    public void onGranted(Context context) {
        LOG.info("This instance is the leader: starting {}", routeIds);
        try {
            for (String id : routeIds) {
                camel.getRouteController().startRoute(id);
            }
        } catch (Exception e) {
            // the election gives the lead up again (onRevoked stops what did start) and tries later
            throw new IllegalStateException("cannot start the singleton routes " + routeIds, e);
        }
        leader = true;
    }

    @Override
    public void onRevoked(Context context) {
        leader = false;
        LOG.info("This instance is no longer the leader: stopping {}", routeIds);
        for (String id : routeIds) {
            try {
                camel.getRouteController().stopRoute(id);
            } catch (Exception e) {
                LOG.warn("Could not stop route {}: {}", id, e.getMessage());
            }
        }
    }
}
