package org.casebridge.ops;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Settings of the leader election that runs the singleton routes on one instance at a time ({@code casebridge.leader}). */
@ConfigurationProperties("casebridge.leader")
public class LeaderProperties {

    /** Routes only the leader runs; each must say {@code autoStartup: false} in its file. */
    private List<String> routes = new ArrayList<>(List.of("email-inbox-to-case", "housing-export-to-status-updates"));
    /** How long a leader's lock row stays valid without a renewal: the longest fail-over after a kill -9. */
    private Duration lease = Duration.ofSeconds(10);
    /** How often the leader renews its lock (well below the lease). */
    private Duration heartbeat = Duration.ofSeconds(1);
    /** How often a follower tries to take the lock. */
    private Duration retry = Duration.ofSeconds(1);

    public List<String> getRoutes() { return routes; }
    public void setRoutes(List<String> routes) { this.routes = routes; }
    public Duration getLease() { return lease; }
    public void setLease(Duration lease) { this.lease = lease; }
    public Duration getHeartbeat() { return heartbeat; }
    public void setHeartbeat(Duration heartbeat) { this.heartbeat = heartbeat; }
    public Duration getRetry() { return retry; }
    public void setRetry(Duration retry) { this.retry = retry; }
}
