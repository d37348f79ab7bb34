package org.casebridge.customers;

import org.casebridge.customers.IdentityStore.CustomerRecord;
import org.casebridge.customers.IdentityStore.Identity;
import org.casebridge.customers.IdentityStore.IdentityConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.casebridge.shared.JdbcValues.instant;
import static org.casebridge.shared.JdbcValues.utc;

/**
 * Merges of two customers into one, audited ({@code cb_customer_merge}, {@code cb_customer_merge_link}) with who
 * and why, and undone exactly.
 */
@Component
public class CustomerMerges {

    private static final Logger LOG = LoggerFactory.getLogger(CustomerMerges.class);

    /** One merge: who merged which customer into which, when and why, the links it moved, and its undoing if any. */
    public record Merge(String mergeId, String sourceCustomerId, String targetCustomerId, String mergedBy, String reason,
                        Instant mergedAt, String movedHousingId, String unmergedBy, String unmergeReason, Instant unmergedAt,
                        List<Identity> movedLinks) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final CustomerRows rows;
    private final Clock clock;

    CustomerMerges(JdbcTemplate jdbc, TransactionTemplate tx, CustomerRows rows, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.tx = tx;
        this.rows = rows;
    }

    /**
     * Merges customer {@code sourceId} into {@code targetId}: every identity of the source moves to the target (as it
     * was, verified or not) and the source is marked merged. Audited with who and why; {@link #unmerge} undoes it.
     */
    public Merge merge(String targetId, String sourceId, String actor, String reason) {
        String mergeId = tx.execute(status -> mergeInTransaction(targetId, sourceId, actor, reason, clock.instant()));
        return merge(mergeId).orElseThrow();
    }

    /** The merge itself, inside the caller's transaction (the identity store merges for the housing system too). */
    String mergeInTransaction(String targetId, String sourceId, String actor, String reason, Instant now) {
        CustomerRecord target = rows.find(targetId).orElseThrow(() -> notFound(targetId));
        CustomerRecord source = rows.find(sourceId).orElseThrow(() -> notFound(sourceId));
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
            CustomerRecord target = rows.find(merge.targetCustomerId()).orElseThrow();
            if (target.mergedInto() != null) {
                throw new IdentityConflictException("merged-since", false, "Customer " + target.customerId()
                        + " has since been merged into " + target.mergedInto() + ": undo that merge first.");
            }
            for (Identity link : merge.movedLinks()) {
                Optional<CustomerRows.Row> now = rows.link(link.key());
                if (now.isEmpty() || !now.get().customerId().equals(merge.targetCustomerId())) {
                    throw new IdentityConflictException("merged-since", false, "Identity " + link.key() + " is no longer linked to "
                            + merge.targetCustomerId() + ": undo the later change first.");
                }
            }
            Instant when = clock.instant();
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

    private static IdentityConflictException notFound(String customerId) {
        return new IdentityConflictException("customer-not-found", true, "No customer '" + customerId + "'.");
    }

    private static Merge mergeOf(ResultSet rs, List<Identity> links) throws SQLException {
        return new Merge(rs.getString("merge_id"), rs.getString("source_customer_id"), rs.getString("target_customer_id"),
                rs.getString("merged_by"), rs.getString("reason"), instant(rs.getObject("merged_at")), rs.getString("moved_housing_id"),
                rs.getString("unmerged_by"), rs.getString("unmerge_reason"), instant(rs.getObject("unmerged_at")), links);
    }
}
