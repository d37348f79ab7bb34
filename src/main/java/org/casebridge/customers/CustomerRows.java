package org.casebridge.customers;

import org.casebridge.customers.IdentityStore.CustomerRecord;
import org.casebridge.customers.IdentityStore.Identity;
import org.casebridge.customers.IdentityStore.Key;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads customers and their links: the row mapping the identity store, merges and open-case lookup share. */
@Component
class CustomerRows {

    private final JdbcTemplate jdbc;

    CustomerRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** An identity's link: the customer it belongs to. */
    record Row(String customerId, Identity identity) {
    }

    /** The link of identity {@code key}, if it is linked. */
    Optional<Row> link(Key key) {
        return jdbc.query("select customer_id, kind, address, verified, source from cb_customer_identity where kind = ? and address = ?",
                (rs, i) -> new Row(rs.getString("customer_id"), new Identity(rs.getString("kind"), rs.getString("address"),
                        rs.getBoolean("verified"), rs.getString("source"))), key.kind(), key.address()).stream().findFirst();
    }

    /** The identities of a customer, with whether each link is verified. */
    List<Identity> identitiesOf(String customerId) {
        return jdbc.query("select kind, address, verified, source from cb_customer_identity where customer_id = ? order by kind, address",
                (rs, i) -> new Identity(rs.getString("kind"), rs.getString("address"), rs.getBoolean("verified"), rs.getString("source")),
                customerId);
    }

    /** A customer with its identities. */
    Optional<CustomerRecord> find(String customerId) {
        List<CustomerRecord> rows = jdbc.query("select * from cb_customer where customer_id = ?", (rs, i) -> new CustomerRecord(
                rs.getString("customer_id"), rs.getString("housing_customer_id"), rs.getString("display_name"),
                rs.getString("tenancy_ref"), rs.getString("property_ref"), splitFlags(rs.getString("flags")),
                rs.getString("merged_into"), List.of()), customerId);
        return rows.stream().findFirst().map(c -> new CustomerRecord(c.customerId(), c.housingCustomerId(), c.displayName(),
                c.tenancyRef(), c.propertyRef(), c.flags(), c.mergedInto(), identitiesOf(customerId)));
    }

    String housingIdOf(String customerId) {
        return jdbc.queryForList("select housing_customer_id from cb_customer where customer_id = ?", String.class, customerId)
                .stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    static List<String> splitFlags(String flags) {
        if (flags == null || flags.isBlank()) {
            return List.of();
        }
        return Arrays.stream(flags.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
