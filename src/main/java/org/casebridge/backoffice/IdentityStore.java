package org.casebridge.backoffice;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.ThreadIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One customer across channels, in the database so every instance sees the same: a customer holds email addresses,
 * phone numbers and platform ids (identities). A link from the housing system (or an operator) is <em>verified</em>;
 * a link the bridge inferred from the messages it saw (the same phone number on SMS and WhatsApp, an email address and
 * a phone number given together on a web form) is not. Merges of two customers are audited and can be undone exactly.
 * <p>
 * The joining rule: a message may continue another message's case only through the channel's own strong threading
 * (the sender is a participant of that case) or through verified links ({@link #mayJoin}). A weak match, through an
 * unverified link, never joins a case: at most it names the case in {@code thread.possiblyRelatedTo}.
 */
@Component("identityStore")
public class IdentityStore {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);

    /** Identity kind of an email address (stored lower-case). */
    public static final String EMAIL = "email";
    /** Identity kind of a phone number (E.164). */
    public static final String PHONE = "phone";

    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
    private static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ThreadIndex threads;

    public IdentityStore(JdbcTemplate jdbc, TransactionTemplate tx, ThreadIndex threads) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.threads = threads;
    }

    /** An identity: its kind ({@code email}, {@code phone} or a channel's wire name) and address. */
    public record Key(String kind, String address) {
        @Override
        public String toString() {
            return kind + ":" + address;
        }
    }

    /** An identity linked to a customer, whether the link is verified, and who made it. */
    public record Identity(String kind, String address, boolean verified, String source) {
        public Key key() {
            return new Key(kind, address);
        }
    }

    /** A customer with its identities. {@code mergedInto} is set while it is merged into another customer. */
    public record CustomerRecord(String customerId, String housingCustomerId, String displayName, String tenancyRef,
                                 String propertyRef, List<String> flags, String mergedInto, List<Identity> identities) {
    }

    /** One merge: who merged which customer into which, when and why, the links it moved, and its undoing if any. */
    public record Merge(String mergeId, String sourceCustomerId, String targetCustomerId, String mergedBy, String reason,
                        Instant mergedAt, String movedHousingId, String unmergedBy, String unmergeReason, Instant unmergedAt,
                        List<Identity> movedLinks) {
    }

    /** What the housing system knows of a customer (see {@link HousingLookup}). */
    public record HousingDetails(String housingCustomerId, String displayName, String tenancyRef, String propertyRef,
                                 List<String> flags, List<Key> otherIdentities) {
    }

    /** A merge or unmerge that cannot be done; {@code slug} names the reason (e.g. {@code customer-not-found}). */
    public static class IdentityConflictException extends RuntimeException {
        private final String slug;
        private final boolean notFound;

        IdentityConflictException(String slug, boolean notFound, String message) {
            super(message);
            this.slug = slug;
            this.notFound = notFound;
        }

        public String slug() { return slug; }
        public boolean notFound() { return notFound; }
    }

    // ---- identities of messages -------------------------------------------------------------------------------

    /** The identities a message's sender shows on {@code channel}, strongest first: email, phone, platform id. */
    public static List<Key> keysOf(Channel channel, Customer customer) {
        Set<Key> keys = new LinkedHashSet<>();
        if (customer == null) {
            return List.of();
        }
        if (notBlank(customer.email())) {
            keys.add(new Key(EMAIL, customer.email().strip().toLowerCase(Locale.ROOT)));
        }
        if (notBlank(customer.phone())) {
            keys.add(new Key(PHONE, customer.phone().strip()));
        }
        if (channel != Channel.EMAIL && channel != Channel.WEBFORM) {
            String platformId = notBlank(customer.platformUserId()) ? customer.platformUserId() : customer.handle();
            if (notBlank(platformId)) {
                keys.add(new Key(channel.wireName(), platformId.strip()));
            }
        }
        return List.copyOf(keys);
    }

    /**
     * The identity behind an address as threading stores it for a channel (a case participant): an email address on
     * the email and web form channels, a phone number in E.164, otherwise the channel's platform id.
     */
    public static Key key(Channel channel, String address) {
        String value = address == null ? null : address.strip();
        if (channel == Channel.EMAIL || channel == Channel.WEBFORM) {
            return new Key(EMAIL, value == null ? null : value.toLowerCase(Locale.ROOT));
        }
        if (value != null && E164.matcher(value).matches()) {
            return new Key(PHONE, value);
        }
        return new Key(channel.wireName(), value);
    }

    /**
     * Records who sent a message: every identity it shows is linked to a customer, so the store grows as messages
     * arrive. Unknown identities join the customer that owns one of the others (an inferred, unverified link); when
     * none is known a new customer is made. Identities owned by different customers are never merged here.
     *
     * @return the customer id, or empty when the message shows no identity
     */
    public Optional<String> recordSender(Channel channel, Customer customer) {
        List<Key> keys = keysOf(channel, customer);
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        String source = "message:" + channel.wireName();
        for (int attempt = 1; ; attempt++) {
            try {
                return Optional.of(tx.execute(status -> recordSender(keys, customer.displayName(), source)));
            } catch (DuplicateKeyException raced) {
                // another instance linked one of these identities at the same moment: read again, it is known now
                if (attempt >= 3) {
                    throw raced;
                }
            }
        }
    }

    private String recordSender(List<Key> keys, String displayName, String source) {
        Map<Key, Identity> known = new LinkedHashMap<>();
        Map<Key, String> owners = new LinkedHashMap<>();
        for (Key key : keys) {
            find(key).ifPresent(row -> {
                known.put(key, row.identity());
                owners.put(key, row.customerId());
            });
        }
        String owner = keys.stream().filter(k -> known.containsKey(k) && known.get(k).verified()).map(owners::get).findFirst()
                .orElseGet(() -> keys.stream().filter(owners::containsKey).map(owners::get).findFirst().orElse(null));
        Instant now = Instant.now();
        if (owner == null) {
            owner = newCustomer(displayName, null, now);
        }
        Set<String> others = new LinkedHashSet<>(owners.values());
        others.remove(owner);
        if (!others.isEmpty()) {
            LOG.info("Identities {} belong to customers {} and {}: not merged on an inferred link", keys, owner, others);
        }
        for (Key key : keys) {
            if (known.containsKey(key)) {
                jdbc.update("update cb_customer_identity set last_seen_at = ? where kind = ? and address = ?", utc(now), key.kind(), key.address());
            } else {
                insertLink(key, owner, false, source, now);
            }
        }
        return owner;
    }

    // ---- lookups ---------------------------------------------------------------------------------------------

    /** The customer an identity belongs to (verified or not). */
    public Optional<String> customerFor(String kind, String address) {
        return find(new Key(kind, address)).map(Row::customerId);
    }

    /** The customer behind an address as a channel gives it (see {@link #key(Channel, String)}). */
    public Optional<String> customerFor(Channel channel, String address) {
        Key key = key(channel, address);
        return key.address() == null ? Optional.empty() : customerFor(key.kind(), key.address());
    }

    /** The identities of a customer, with whether each link is verified. */
    public List<Identity> identitiesOf(String customerId) {
        return jdbc.query("select kind, address, verified, source from cb_customer_identity where customer_id = ? order by kind, address",
                (rs, i) -> new Identity(rs.getString("kind"), rs.getString("address"), rs.getBoolean("verified"), rs.getString("source")),
                customerId);
    }

    /** Whether the identity is linked to a customer by the housing system or an operator. */
    public boolean isVerified(String kind, String address) {
        return find(new Key(kind, address)).map(row -> row.identity().verified()).orElse(false);
    }

    /** The customer with the housing system's id, if the bridge has met it. */
    public Optional<String> customerForHousingId(String housingCustomerId) {
        return jdbc.queryForList("select customer_id from cb_customer where housing_customer_id = ?", String.class, housingCustomerId)
                .stream().findFirst();
    }

    /** A customer with its identities. */
    public Optional<CustomerRecord> find(String customerId) {
        List<CustomerRecord> rows = jdbc.query("select * from cb_customer where customer_id = ?", (rs, i) -> new CustomerRecord(
                rs.getString("customer_id"), rs.getString("housing_customer_id"), rs.getString("display_name"),
                rs.getString("tenancy_ref"), rs.getString("property_ref"), splitFlags(rs.getString("flags")),
                rs.getString("merged_into"), List.of()), customerId);
        return rows.stream().findFirst().map(c -> new CustomerRecord(c.customerId(), c.housingCustomerId(), c.displayName(),
                c.tenancyRef(), c.propertyRef(), c.flags(), c.mergedInto(), identitiesOf(customerId)));
    }

    /** The open cases of a customer, on any channel, most recently active first (found through its identities). */
    /** At most this many open cases are listed for one customer. */
    static final int MAX_OPEN_CASES = 100;

    public List<String> openCasesOf(String customerId) {
        return openCasesOf(customerId, MAX_OPEN_CASES);
    }

    /**
     * The {@code limit} most recently active open cases among the customer's newest cases. It runs for every inbound
     * message, so it reads only the newest participations of each identity (index {@code (address, created_at)}),
     * never all of them: a customer with thousands of cases (a bulk sender, a load test) costs what any other does.
     */
    public List<String> openCasesOf(String customerId, int limit) {
        int window = Math.max(10, limit * 5);
        Set<String> candidates = new LinkedHashSet<>();
        for (Identity identity : identitiesOf(customerId)) {
            String sql = "select p.case_id from cb_case_participant p where p.address = ? and ";
            String newest = " order by p.created_at desc limit " + window;
            candidates.addAll(switch (identity.kind()) {
                case EMAIL -> jdbc.queryForList(sql + "p.channel in ('email', 'webform')" + newest, String.class, identity.address());
                case PHONE -> jdbc.queryForList(sql + "p.channel not in ('email', 'webform')" + newest, String.class, identity.address());
                default -> jdbc.queryForList(sql + "p.channel = ?" + newest, String.class, identity.address(), identity.kind());
            });
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> found = new ArrayList<>(jdbc.queryForList("select case_id, updated_at from cb_case where status = 'open'"
                + " and case_id in (" + String.join(", ", java.util.Collections.nCopies(candidates.size(), "?")) + ")", candidates.toArray()));
        found.sort((a, b) -> instant(b.get("updated_at")).compareTo(instant(a.get("updated_at"))));
        Set<String> cases = new LinkedHashSet<>();
        found.forEach(row -> cases.add((String) row.get("case_id")));
        return cases.stream().limit(Math.max(1, limit)).toList();
    }

    /**
     * The joining rule: whether a message from {@code address} on {@code channel} may continue case {@code caseId}.
     * Yes when the sender takes part in the case (the channel's own threading), or when the sender's identity and one
     * of the case's participants are linked to the same customer by <em>verified</em> links. An inferred link is a
     * weak signal and never allows it.
     */
    public boolean mayJoin(String caseId, Channel channel, String address) {
        if (threads.isParticipant(caseId, channel, address)) {
            return true;
        }
        Key sender = key(channel, address);
        Optional<Row> senderRow = sender.address() == null ? Optional.empty() : find(sender);
        if (senderRow.isEmpty() || !senderRow.get().identity().verified()) {
            return false;
        }
        List<Map<String, Object>> participants = jdbc.queryForList(
                "select channel, address from cb_case_participant where case_id = ?", caseId);
        for (Map<String, Object> participant : participants) {
            Key key = key(Channel.fromWire((String) participant.get("channel")), (String) participant.get("address"));
            Optional<Row> row = find(key);
            if (row.isPresent() && row.get().identity().verified() && row.get().customerId().equals(senderRow.get().customerId())) {
                return true;
            }
        }
        return false;
    }

    // ---- verified links from the housing system --------------------------------------------------------------

    /**
     * Links what the housing system said: {@code matched} (the identity it was asked about) belongs to its customer
     * {@code details.housingCustomerId()}, as do the other identities it lists. These links are verified. When the
     * matched identity was so far linked (unverified) to another bridge customer without a housing id, that customer
     * is merged into the housing system's one (audited as {@code housing-system}, reversible like any merge).
     *
     * @return the bridge's customer id for the housing system's customer
     */
    public String linkVerified(Key matched, HousingDetails details, String source) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> linkVerifiedOnce(matched, details, source));
            } catch (DuplicateKeyException raced) {
                if (attempt >= 3) {
                    throw raced;
                }
            }
        }
    }

    private String linkVerifiedOnce(Key matched, HousingDetails details, String source) {
        Instant now = Instant.now();
        String housingId = details.housingCustomerId();
        Optional<Row> matchedRow = find(matched);
        String target = customerForHousingId(housingId).orElse(null);
        if (target == null) {
            Optional<String> owner = matchedRow.map(Row::customerId);
            if (owner.isPresent() && housingIdOf(owner.get()) == null) {
                target = owner.get();
                jdbc.update("update cb_customer set housing_customer_id = ?, updated_at = ? where customer_id = ?", housingId, utc(now), target);
            } else {
                target = newCustomer(details.displayName(), housingId, now);
            }
        }
        if (matchedRow.isPresent() && !matchedRow.get().customerId().equals(target)) {
            String owner = matchedRow.get().customerId();
            if (housingIdOf(owner) == null) {
                mergeInTransaction(target, owner, "housing-system",
                        source + " says " + matched + " belongs to housing customer " + housingId, now);
            } else {
                LOG.warn("{} says {} belongs to housing customer {}, but it was linked to {} (another housing customer): link moved",
                        source, matched, housingId, owner);
                jdbc.update("update cb_customer_identity set customer_id = ? where kind = ? and address = ?", target, matched.kind(), matched.address());
            }
        }
        List<Key> verifiedKeys = new ArrayList<>();
        verifiedKeys.add(matched);
        verifiedKeys.addAll(details.otherIdentities());
        for (Key key : verifiedKeys) {
            Optional<Row> row = find(key);
            if (row.isEmpty()) {
                insertLink(key, target, true, source, now);
            } else if (row.get().customerId().equals(target)) {
                jdbc.update("update cb_customer_identity set verified = true, source = ?, last_seen_at = ? where kind = ? and address = ?",
                        source, utc(now), key.kind(), key.address());
            } else {
                LOG.info("{} lists {} for housing customer {}, but it is linked to customer {}: left for an operator to merge",
                        source, key, housingId, row.get().customerId());
            }
        }
        jdbc.update("update cb_customer set display_name = coalesce(display_name, ?), tenancy_ref = ?, property_ref = ?, flags = ?,"
                        + " updated_at = ? where customer_id = ?", details.displayName(), details.tenancyRef(), details.propertyRef(),
                joinFlags(details.flags()), utc(now), target);
        return target;
    }

    // ---- merge and unmerge ------------------------------------------------------------------------------------

    /**
     * Merges customer {@code sourceId} into {@code targetId}: every identity of the source moves to the target (as it
     * was, verified or not) and the source is marked merged. Audited with who and why; {@link #unmerge} undoes it.
     */
    public Merge merge(String targetId, String sourceId, String actor, String reason) {
        String mergeId = tx.execute(status -> mergeInTransaction(targetId, sourceId, actor, reason, Instant.now()));
        return merge(mergeId).orElseThrow();
    }

    private String mergeInTransaction(String targetId, String sourceId, String actor, String reason, Instant now) {
        CustomerRecord target = find(targetId).orElseThrow(() -> notFound(targetId));
        CustomerRecord source = find(sourceId).orElseThrow(() -> notFound(sourceId));
        if (targetId.equals(sourceId)) {
            throw new IdentityConflictException("same-customer", false, "A customer cannot be merged into itself.");
        }
        if (source.mergedInto() != null || target.mergedInto() != null) {
            String merged = source.mergedInto() != null ? sourceId : targetId;
            throw new IdentityConflictException("customer-merged", false, "Customer " + merged + " is merged into "
                    + (source.mergedInto() != null ? source.mergedInto() : target.mergedInto()) + "; use that customer.");
        }
        if (source.housingCustomerId() != null && target.housingCustomerId() != null
                && !source.housingCustomerId().equals(target.housingCustomerId())) {
            throw new IdentityConflictException("different-housing-customers", false, "Customers " + targetId + " and " + sourceId
                    + " are different customers in the housing system (" + target.housingCustomerId() + ", " + source.housingCustomerId() + ").");
        }
        String movedHousingId = target.housingCustomerId() == null ? source.housingCustomerId() : null;
        String mergeId = UUID.randomUUID().toString();
        jdbc.update("insert into cb_customer_merge (merge_id, source_customer_id, target_customer_id, merged_by, reason, merged_at,"
                + " moved_housing_id) values (?, ?, ?, ?, ?, ?, ?)", mergeId, sourceId, targetId, actor, reason, utc(now), movedHousingId);
        for (Identity link : source.identities()) {
            jdbc.update("insert into cb_customer_merge_link (merge_id, kind, address, verified, source) values (?, ?, ?, ?, ?)",
                    mergeId, link.kind(), link.address(), link.verified(), link.source());
        }
        jdbc.update("update cb_customer_identity set customer_id = ? where customer_id = ?", targetId, sourceId);
        if (movedHousingId != null) {
            // the unique index allows one holder at a time: take it from the source first
            jdbc.update("update cb_customer set housing_customer_id = null where customer_id = ?", sourceId);
            jdbc.update("update cb_customer set housing_customer_id = ? where customer_id = ?", movedHousingId, targetId);
        }
        jdbc.update("update cb_customer set merged_into = ?, updated_at = ? where customer_id = ?", targetId, utc(now), sourceId);
        jdbc.update("update cb_customer set updated_at = ? where customer_id = ?", utc(now), targetId);
        LOG.info("Customer {} merged into {} by {} ({}): {} identities moved", sourceId, targetId, actor, reason, source.identities().size());
        return mergeId;
    }

    /**
     * Undoes a merge exactly: the links it moved go back to the source customer as they were (verified or not, same
     * source), the housing id the target took over goes back, and the source is a customer of its own again.
     * Refused when something merged since depends on it (the target was merged on, or a link moved on).
     */
    public Merge unmerge(String mergeId, String actor, String reason) {
        tx.executeWithoutResult(status -> {
            Merge merge = merge(mergeId).orElseThrow(() -> new IdentityConflictException("merge-not-found", true,
                    "No merge '" + mergeId + "'."));
            if (merge.unmergedAt() != null) {
                throw new IdentityConflictException("already-unmerged", false, "Merge " + mergeId + " was undone at "
                        + merge.unmergedAt() + " by " + merge.unmergedBy() + ".");
            }
            CustomerRecord target = find(merge.targetCustomerId()).orElseThrow();
            if (target.mergedInto() != null) {
                throw new IdentityConflictException("merged-since", false, "Customer " + target.customerId()
                        + " has since been merged into " + target.mergedInto() + ": undo that merge first.");
            }
            for (Identity link : merge.movedLinks()) {
                Optional<Row> now = find(link.key());
                if (now.isEmpty() || !now.get().customerId().equals(merge.targetCustomerId())) {
                    throw new IdentityConflictException("merged-since", false, "Identity " + link.key() + " is no longer linked to "
                            + merge.targetCustomerId() + ": undo the later change first.");
                }
            }
            Instant when = Instant.now();
            for (Identity link : merge.movedLinks()) {
                jdbc.update("update cb_customer_identity set customer_id = ?, verified = ?, source = ? where kind = ? and address = ?",
                        merge.sourceCustomerId(), link.verified(), link.source(), link.kind(), link.address());
            }
            if (merge.movedHousingId() != null) {
                jdbc.update("update cb_customer set housing_customer_id = null where customer_id = ?", merge.targetCustomerId());
                jdbc.update("update cb_customer set housing_customer_id = ? where customer_id = ?", merge.movedHousingId(), merge.sourceCustomerId());
            }
            jdbc.update("update cb_customer set merged_into = null, updated_at = ? where customer_id = ?", utc(when), merge.sourceCustomerId());
            jdbc.update("update cb_customer set updated_at = ? where customer_id = ?", utc(when), merge.targetCustomerId());
            jdbc.update("update cb_customer_merge set unmerged_by = ?, unmerge_reason = ?, unmerged_at = ? where merge_id = ?",
                    actor, reason, utc(when), mergeId);
            LOG.info("Merge {} of {} into {} undone by {} ({})", mergeId, merge.sourceCustomerId(), merge.targetCustomerId(), actor, reason);
        });
        return merge(mergeId).orElseThrow();
    }

    /** The latest merge into {@code targetId} that is not undone yet. */
    public Optional<String> latestMergeInto(String targetId) {
        return jdbc.queryForList("select merge_id from cb_customer_merge where target_customer_id = ? and unmerged_at is null"
                + " order by merged_at desc", String.class, targetId).stream().findFirst();
    }

    /** One merge with the links it moved. */
    public Optional<Merge> merge(String mergeId) {
        List<Identity> links = jdbc.query("select kind, address, verified, source from cb_customer_merge_link where merge_id = ? order by kind, address",
                (rs, i) -> new Identity(rs.getString("kind"), rs.getString("address"), rs.getBoolean("verified"), rs.getString("source")),
                mergeId);
        return jdbc.query("select * from cb_customer_merge where merge_id = ?", (rs, i) -> mergeOf(rs, links), mergeId).stream().findFirst();
    }

    /** The merges a customer took part in, as source or target, oldest first (the audit trail). */
    public List<Merge> mergesOf(String customerId) {
        List<String> ids = jdbc.queryForList("select merge_id from cb_customer_merge where source_customer_id = ? or target_customer_id = ?"
                + " order by merged_at, merge_id", String.class, customerId, customerId);
        return ids.stream().map(id -> merge(id).orElseThrow()).toList();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private record Row(String customerId, Identity identity) {
    }

    private Optional<Row> find(Key key) {
        return jdbc.query("select customer_id, kind, address, verified, source from cb_customer_identity where kind = ? and address = ?",
                (rs, i) -> new Row(rs.getString("customer_id"), new Identity(rs.getString("kind"), rs.getString("address"),
                        rs.getBoolean("verified"), rs.getString("source"))), key.kind(), key.address()).stream().findFirst();
    }

    private String housingIdOf(String customerId) {
        return jdbc.queryForList("select housing_customer_id from cb_customer where customer_id = ?", String.class, customerId)
                .stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private String newCustomer(String displayName, String housingId, Instant now) {
        for (int attempt = 1; ; attempt++) {
            String id = newCustomerId();
            try {
                jdbc.update("insert into cb_customer (customer_id, housing_customer_id, display_name, created_at, updated_at) values (?, ?, ?, ?, ?)",
                        id, housingId, truncate(displayName, 256), utc(now), utc(now));
                return id;
            } catch (DuplicateKeyException e) {
                if (attempt >= 5 || housingId != null) {
                    throw e; // a housing id raced in from another instance: the caller reads again
                }
            }
        }
    }

    private void insertLink(Key key, String customerId, boolean verified, String source, Instant now) {
        if (key.address() == null || key.address().length() > 320) {
            return;
        }
        jdbc.update("insert into cb_customer_identity (kind, address, customer_id, verified, source, created_at, last_seen_at)"
                + " values (?, ?, ?, ?, ?, ?, ?)", key.kind(), key.address(), customerId, verified, source, utc(now), utc(now));
    }

    private static IdentityConflictException notFound(String customerId) {
        return new IdentityConflictException("customer-not-found", true, "No customer '" + customerId + "'.");
    }

    private static Merge mergeOf(ResultSet rs, List<Identity> links) throws SQLException {
        return new Merge(rs.getString("merge_id"), rs.getString("source_customer_id"), rs.getString("target_customer_id"),
                rs.getString("merged_by"), rs.getString("reason"), instant(rs.getObject("merged_at")), rs.getString("moved_housing_id"),
                rs.getString("unmerged_by"), rs.getString("unmerge_reason"), instant(rs.getObject("unmerged_at")), links);
    }

    /** A fresh customer id, {@code CU-} and eight characters that survive handwriting (as case ids do). */
    static String newCustomerId() {
        char[] id = new char[8];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return "CU-" + new String(id);
    }

    static List<String> splitFlags(String flags) {
        if (flags == null || flags.isBlank()) {
            return List.of();
        }
        return Arrays.stream(flags.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static String joinFlags(List<String> flags) {
        return flags == null ? null : truncate(String.join(",", flags), 1000);
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        return value == null ? null : Instant.EPOCH;
    }
}
