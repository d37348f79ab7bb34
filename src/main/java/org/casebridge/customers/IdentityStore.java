package org.casebridge.customers;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static org.casebridge.shared.JdbcValues.truncate;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * One customer across channels, in the database so every instance sees the same: a customer holds email addresses,
 * phone numbers and platform ids (identities). A link from the housing system (or an operator) is <em>verified</em>;
 * a link the bridge inferred from the messages it saw (the same phone number on SMS and WhatsApp, an email address and
 * a phone number given together on a web form) is not. This class owns the links and customer records
 * ({@code cb_customer}, {@code cb_customer_identity}); merges and their audit are {@link CustomerMerges}', a
 * customer's open cases and the joining rule {@link CustomerCases}'.
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
    private final CustomerRows rows;
    private final CustomerMerges merges;
    private final Clock clock;

    IdentityStore(JdbcTemplate jdbc, TransactionTemplate tx, CustomerRows rows, CustomerMerges merges, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.tx = tx;
        this.rows = rows;
        this.merges = merges;
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

    /** What the housing system knows of a customer (see {@code backoffice.HousingLookup}). */
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

    /** How stale {@code last_seen_at} may be before a message from the identity writes it again. */
    static final Duration LAST_SEEN_GRANULARITY = Duration.ofMinutes(1);

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
            rows.link(key).ifPresent(row -> {
                known.put(key, row.identity());
                owners.put(key, row.customerId());
            });
        }
        String owner = keys.stream().filter(k -> known.containsKey(k) && known.get(k).verified()).map(owners::get).findFirst()
                .orElseGet(() -> keys.stream().filter(owners::containsKey).map(owners::get).findFirst().orElse(null));
        Instant now = clock.instant();
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
                // at most once a minute per identity: a customer writing many messages costs no write per message
                jdbc.update("update cb_customer_identity set last_seen_at = ? where kind = ? and address = ? and last_seen_at < ?",
                        utc(now), key.kind(), key.address(), utc(now.minus(LAST_SEEN_GRANULARITY)));
            } else {
                insertLink(key, owner, false, source, now);
            }
        }
        return owner;
    }

    // ---- lookups ---------------------------------------------------------------------------------------------

    /** The customer an identity belongs to (verified or not). */
    public Optional<String> customerFor(String kind, String address) {
        return rows.link(new Key(kind, address)).map(CustomerRows.Row::customerId);
    }

    /** The customer behind an address as a channel gives it (see {@link #key(Channel, String)}). */
    public Optional<String> customerFor(Channel channel, String address) {
        Key key = key(channel, address);
        return key.address() == null ? Optional.empty() : customerFor(key.kind(), key.address());
    }


    /**
     * The customer a message's sender is now: the owner of the first of its identities the store links (see
     * {@link #keysOf}), followed through merges to the customer it was merged into.
     */
    public Optional<String> currentCustomerOf(Channel channel, Customer customer) {
        for (Key key : keysOf(channel, customer)) {
            Optional<String> owner = customerFor(key.kind(), key.address());
            if (owner.isPresent()) {
                return Optional.of(current(owner.get()));
            }
        }
        return Optional.empty();
    }

    /** {@code customerId}, or the customer it is merged into (a merge of a merge is followed, a loop is not). */
    public String current(String customerId) {
        String id = customerId;
        Set<String> seen = new LinkedHashSet<>();
        while (seen.add(id)) {
            String into = rows.find(id).map(CustomerRecord::mergedInto).orElse(null);
            if (into == null) {
                return id;
            }
            id = into;
        }
        return id;
    }

    /** The identities of a customer, with whether each link is verified. */
    public List<Identity> identitiesOf(String customerId) {
        return rows.identitiesOf(customerId);
    }

    /** A customer with its identities. */
    public Optional<CustomerRecord> find(String customerId) {
        return rows.find(customerId);
    }

    /** Whether the identity is linked to a customer by the housing system or an operator. */
    public boolean isVerified(String kind, String address) {
        return rows.link(new Key(kind, address)).map(row -> row.identity().verified()).orElse(false);
    }

    /** The customer with the housing system's id, if the bridge has met it. */
    public Optional<String> customerForHousingId(String housingCustomerId) {
        return jdbc.queryForList("select customer_id from cb_customer where housing_customer_id = ?", String.class, housingCustomerId)
                .stream().findFirst();
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
        Instant now = clock.instant();
        String housingId = details.housingCustomerId();
        Optional<CustomerRows.Row> matchedRow = rows.link(matched);
        String target = customerForHousingId(housingId).orElse(null);
        if (target == null) {
            Optional<String> owner = matchedRow.map(CustomerRows.Row::customerId);
            if (owner.isPresent() && rows.housingIdOf(owner.get()) == null) {
                target = owner.get();
                jdbc.update("update cb_customer set housing_customer_id = ?, updated_at = ? where customer_id = ?", housingId, utc(now), target);
            } else {
                target = newCustomer(details.displayName(), housingId, now);
            }
        }
        if (matchedRow.isPresent() && !matchedRow.get().customerId().equals(target)) {
            String owner = matchedRow.get().customerId();
            if (rows.housingIdOf(owner) == null) {
                merges.mergeInTransaction(target, owner, "housing-system",
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
            Optional<CustomerRows.Row> row = rows.link(key);
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

    // ---- helpers ---------------------------------------------------------------------------------------------



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

    /** A fresh customer id, {@code CU-} and eight characters that survive handwriting (as case ids do). */
    static String newCustomerId() {
        char[] id = new char[8];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return "CU-" + new String(id);
    }


    static String joinFlags(List<String> flags) {
        return flags == null ? null : truncate(String.join(",", flags), 1000);
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

}
