package org.casebridge.customers;

import org.casebridge.cases.Channel;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.customers.IdentityStore.Identity;
import org.casebridge.customers.IdentityStore.Key;
import org.springframework.stereotype.Component;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A customer's cases, found through its identities, and the joining rule: a message may continue another message's
 * case only through the channel's own strong threading (the sender is a participant of that case) or through
 * verified links. A weak match, through an unverified link, never joins a case: at most it names the case in
 * {@code thread.possiblyRelatedTo}. The cases' tables are the case store's: asked through {@link ThreadIndex}.
 */
@Component
public class CustomerCases implements JoiningRule {

    private final CustomerRows rows;
    private final ThreadIndex threads;

    CustomerCases(CustomerRows rows, ThreadIndex threads) {
        this.rows = rows;
        this.threads = threads;
    }

    /** At most this many open cases are listed for one customer. */
    static final int MAX_OPEN_CASES = 100;

    /** The open cases of a customer, on any channel, most recently active first (found through its identities). */
    public List<String> openCasesOf(String customerId) {
        return openCasesOf(customerId, MAX_OPEN_CASES);
    }

    /**
     * The {@code limit} most recently active open cases among the customer's newest cases. It runs for every inbound
     * message, so it reads only the newest participations of each identity, never all of them.
     */
    public List<String> openCasesOf(String customerId, int limit) {
        int window = Math.max(10, limit * 5);
        Set<String> candidates = new LinkedHashSet<>();
        for (Identity identity : rows.identitiesOf(customerId)) {
            candidates.addAll(threads.newestCasesOf(identity.kind(), identity.address(), window));
        }
        return threads.openCasesByActivity(candidates).stream().limit(Math.max(1, limit)).toList();
    }

    /**
     * The joining rule: whether a message from {@code address} on {@code channel} may continue case {@code caseId}.
     * Yes when the sender takes part in the case (the channel's own threading), or when the sender's identity and one
     * of the case's participants are linked to the same customer by <em>verified</em> links. An inferred link is a
     * weak signal and never allows it.
     */
    @Override
    public boolean mayJoin(String caseId, Channel channel, String address) {
        if (threads.isParticipant(caseId, channel, address)) {
            return true;
        }
        Key sender = IdentityStore.key(channel, address);
        Optional<CustomerRows.Row> senderRow = sender.address() == null ? Optional.empty() : rows.link(sender);
        if (senderRow.isEmpty() || !senderRow.get().identity().verified()) {
            return false;
        }
        for (ThreadIndex.Participant participant : threads.participantsOf(caseId)) {
            Key key = IdentityStore.key(participant.channel(), participant.address());
            Optional<CustomerRows.Row> row = rows.link(key);
            if (row.isPresent() && row.get().identity().verified() && row.get().customerId().equals(senderRow.get().customerId())) {
                return true;
            }
        }
        return false;
    }
}
