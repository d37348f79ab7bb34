package org.casebridge.ops;

import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.filter.DestinationMapEntry;
import org.apache.activemq.security.AuthenticationUser;
import org.apache.activemq.security.AuthorizationEntry;
import org.apache.activemq.security.AuthorizationPlugin;
import org.apache.activemq.security.DefaultAuthorizationMap;
import org.apache.activemq.security.SimpleAuthenticationPlugin;
import org.apache.activemq.security.TempDestinationAuthorizationEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the embedded broker, and for what. Whatever arrives on {@code casebridge.replies} goes to customers,
 * so every connection must log in: the bridge's own user may do everything; a back-office {@code producer} may only
 * write replies and status updates, a {@code consumer} only read new cases and the delivery queues.
 */
final class BrokerSecurity {

    static final String BRIDGE_GROUP = "bridge";
    static final String PRODUCERS = "producers";
    static final String CONSUMERS = "consumers";
    static final Set<String> ROLES = Set.of("producer", "consumer");

    /** A user of the broker with a resolved password. */
    record BrokerLogin(String username, String password) {
    }

    private final BrokerLogin bridge;
    private final List<AuthenticationUser> users = new ArrayList<>();
    private final CasebridgeProperties properties;

    BrokerSecurity(CasebridgeProperties properties) {
        this.properties = properties;
        CasebridgeProperties.Broker settings = properties.getBroker();
        String username = blank(settings.getUsername()) ? "casebridge" : settings.getUsername().strip();
        this.bridge = new BrokerLogin(username, passwordOf(username, settings.getPassword(), "password of the bridge's broker user '" + username + "'"));
        users.add(new AuthenticationUser(bridge.username(), bridge.password(), BRIDGE_GROUP));
        for (CasebridgeProperties.BrokerUser user : settings.getUsers()) {
            if (blank(user.getUsername())) {
                throw new IllegalStateException("casebridge.broker.users: every user needs a username");
            }
            if (user.getRoles().isEmpty()) {
                throw new IllegalStateException("casebridge.broker.users: user '" + user.getUsername() + "' has no roles; roles are " + ROLES);
            }
            List<String> groups = new ArrayList<>();
            for (String role : user.getRoles()) {
                String normalised = role.strip().toLowerCase(Locale.ROOT);
                if (!ROLES.contains(normalised)) {
                    throw new IllegalStateException("casebridge.broker.users: user '" + user.getUsername() + "' has role '" + role
                            + "'; roles are " + ROLES);
                }
                groups.add(normalised.equals("producer") ? PRODUCERS : CONSUMERS);
            }
            users.add(new AuthenticationUser(user.getUsername().strip(), passwordOf(user.getUsername().strip(), user.getPassword(),
                    "password of broker user '" + user.getUsername().strip() + "'"), String.join(",", groups)));
        }
    }

    /** The bridge's own login, for its connection factory. */
    BrokerLogin bridge() {
        return bridge;
    }

    /** The authentication and authorisation plugins for the embedded broker. */
    BrokerPlugin[] plugins() throws Exception {
        SimpleAuthenticationPlugin authentication = new SimpleAuthenticationPlugin(users);
        authentication.setAnonymousAccessAllowed(false);
        List<DestinationMapEntry> entries = new ArrayList<>();
        // every entry names the bridge too, so it does not matter whether the broker unites or picks matching entries
        entries.add(queue(">", BRIDGE_GROUP, BRIDGE_GROUP, BRIDGE_GROUP));
        // destinations are created on first use, which needs "admin" on them: each group may create its own
        String both = BRIDGE_GROUP + "," + PRODUCERS;
        entries.add(queue("casebridge.replies", BRIDGE_GROUP, both, both));
        entries.add(queue("casebridge.backoffice.updates", BRIDGE_GROUP, both, both));
        String readers = BRIDGE_GROUP + "," + CONSUMERS;
        entries.add(queue("casebridge.cases.new", readers, BRIDGE_GROUP, readers));
        entries.add(queue("casebridge.delivery.>", readers, BRIDGE_GROUP, readers));
        String everyone = BRIDGE_GROUP + "," + PRODUCERS + "," + CONSUMERS;
        // JMS clients subscribe to advisory topics to learn about destinations and consumers
        AuthorizationEntry advisories = new AuthorizationEntry();
        advisories.setTopic("ActiveMQ.Advisory.>");
        advisories.setRead(everyone);
        advisories.setWrite(everyone);
        advisories.setAdmin(everyone);
        entries.add(advisories);
        DefaultAuthorizationMap map = new DefaultAuthorizationMap(entries);
        // request-reply over temporary queues stays possible for every user
        TempDestinationAuthorizationEntry temporary = new TempDestinationAuthorizationEntry();
        temporary.setRead(everyone);
        temporary.setWrite(everyone);
        temporary.setAdmin(everyone);
        temporary.afterPropertiesSet();
        map.setTempDestinationAuthorizationEntry(temporary);
        return new BrokerPlugin[] {authentication, new AuthorizationPlugin(map)};
    }

    private static AuthorizationEntry queue(String name, String read, String write, String admin) throws Exception {
        AuthorizationEntry entry = new AuthorizationEntry();
        entry.setQueue(name);
        entry.setRead(read);
        entry.setWrite(write);
        entry.setAdmin(admin);
        return entry;
    }

    private String passwordOf(String username, String configured, String what) {
        if (!blank(configured)) {
            return configured;
        }
        return GeneratedSecrets.readOrGenerate(properties.getDataDir(), "broker-" + username + ".password", what, p -> p).stored();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
