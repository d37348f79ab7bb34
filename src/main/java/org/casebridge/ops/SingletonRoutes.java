package org.casebridge.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

import java.util.List;

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

    void electWith(LockRegistryLeaderInitiator initiator) {
        // called at once when Camel is already running, otherwise once it has started all the other routes
        camel.addStartupListener((context, alreadyStarted) -> {
            check();
            initiator.start();
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
    public void onGranted(Context context) throws Exception {
        leader = true;
        LOG.info("This instance is the leader: starting {}", routeIds);
        for (String id : routeIds) {
            camel.getRouteController().startRoute(id);
        }
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
