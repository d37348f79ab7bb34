package org.casebridge.channel.chat;

import org.casebridge.cases.Channel;
import org.casebridge.replies.PendingReceipts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Applies platforms' delivery receipts to the outbound messages they report on ({@code deliveries} on the case):
 * found by the platform's message id, which the sender recorded. Receipts arrive out of order and more than once, so
 * a status only moves forward (sent, delivered, read); a failure is recorded unless the message was delivered. A
 * receipt can also arrive before the sender has recorded the platform's id (the platform called the webhook before
 * its send API answered): it is kept in {@code cb_pending_receipt} and applied once the id is recorded.
 */
@Component
public class DeliveryReceipts implements PendingReceipts {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReceipts.class);
    private static final List<String> ORDER = List.of("queued", DeliveryReceipt.SENT, DeliveryReceipt.DELIVERED, DeliveryReceipt.READ);

    /** How long a receipt for an unknown message is kept waiting for its message to be recorded. */
    static final Duration PENDING_FOR = Duration.ofDays(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public DeliveryReceipts(JdbcTemplate jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    /** Applies each receipt; receipts for messages this bridge did not send are logged and skipped. */
    public void apply(List<DeliveryReceipt> receipts) {
        for (DeliveryReceipt receipt : receipts) {
            apply(receipt);
        }
    }

    /** Applies one receipt. Returns whether it changed the message's status. */
    public boolean apply(DeliveryReceipt receipt) {
        if (receipt.externalId() == null) {
            return false;
        }
        List<Map<String, Object>> rows = jdbc.queryForList("select message_id, delivery_status from cb_message"
                + " where external_id = ? and channel = ? and direction = 'outbound'", receipt.externalId(), receipt.channel().wireName());
        if (rows.isEmpty()) {
            keepPending(receipt);
            return false;
        }
        boolean changed = false;
        for (Map<String, Object> row : rows) {
            String current = (String) row.get("delivery_status");
            if (!moves(current, receipt.status())) {
                continue;
            }
            Instant at = receipt.at() == null ? clock.instant() : receipt.at();
            String detail = DeliveryReceipt.FAILED.equals(receipt.status())
                    ? truncate(receipt.detail() == null ? "the platform reported the message as failed" : receipt.detail(), 2000) : null;
            changed |= jdbc.update("update cb_message set delivery_status = ?, delivery_detail = ?, delivery_updated_at = ?"
                            + " where message_id = ? and (delivery_status is null or delivery_status = ?)",
                    receipt.status(), detail, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), row.get("message_id"), current) > 0;
            if (DeliveryReceipt.FAILED.equals(receipt.status())) {
                LOG.warn("{} reports message {} of case as failed: {}", receipt.channel().wireName(), receipt.externalId(), detail);
            }
        }
        return changed;
    }

    /**
     * Applies the receipts kept for {@code externalId} before its message was recorded, and forgets them. Called by
     * the reply flow once the platform's id for a sent message is stored.
     */
    @Override
    public void applyPending(Channel channel, String externalId) {
        if (externalId == null) {
            return;
        }
        List<Map<String, Object>> pending = jdbc.queryForList("select receipt_id, status, detail, reported_at from cb_pending_receipt"
                + " where external_id = ? and channel = ? order by reported_at", externalId, channel.wireName());
        for (Map<String, Object> row : pending) {
            Object at = row.get("reported_at");
            Instant reported = at instanceof OffsetDateTime odt ? odt.toInstant() : at instanceof java.sql.Timestamp ts ? ts.toInstant() : null;
            apply(new DeliveryReceipt(channel, externalId, (String) row.get("status"), reported, (String) row.get("detail")));
            jdbc.update("delete from cb_pending_receipt where receipt_id = ?", row.get("receipt_id"));
        }
    }

    private void keepPending(DeliveryReceipt receipt) {
        if (!ORDER.contains(receipt.status()) && !DeliveryReceipt.FAILED.equals(receipt.status())) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        LOG.debug("{} receipt '{}' for message {} not (yet) recorded: kept", receipt.channel().wireName(), receipt.status(), receipt.externalId());
        jdbc.update("insert into cb_pending_receipt (receipt_id, channel, external_id, status, detail, reported_at, received_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), receipt.channel().wireName(),
                truncate(receipt.externalId(), 998), receipt.status(), receipt.detail() == null ? null : truncate(receipt.detail(), 2000),
                OffsetDateTime.ofInstant(receipt.at() == null ? clock.instant() : receipt.at(), ZoneOffset.UTC), now);
        // receipts for messages another system sent from the same account never find theirs: they do not stay
        jdbc.update("delete from cb_pending_receipt where received_at < ?", now.minus(PENDING_FOR));
    }

    /** Whether a message in status {@code current} takes {@code next}: forward only; failed unless it arrived. */
    static boolean moves(String current, String next) {
        if (next == null || next.equals(current)) {
            return false;
        }
        if (DeliveryReceipt.FAILED.equals(next)) {
            return !DeliveryReceipt.DELIVERED.equals(current) && !DeliveryReceipt.READ.equals(current);
        }
        int to = ORDER.indexOf(next);
        if (to < 0) {
            return false;
        }
        // a late "sent" after "failed" means the platform retried and got through
        return current == null || DeliveryReceipt.FAILED.equals(current) ? to >= 1 : to > ORDER.indexOf(current);
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
