package org.casebridge.channel.chat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Applies platforms' delivery receipts to the outbound messages they report on ({@code deliveries} on the case):
 * found by the platform's message id, which the sender recorded. Receipts arrive out of order and more than once, so
 * a status only moves forward (sent, delivered, read); a failure is recorded unless the message was delivered.
 */
@Component
public class DeliveryReceipts {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReceipts.class);
    private static final List<String> ORDER = List.of("queued", DeliveryReceipt.SENT, DeliveryReceipt.DELIVERED, DeliveryReceipt.READ);

    private final JdbcTemplate jdbc;

    public DeliveryReceipts(JdbcTemplate jdbc) {
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
            LOG.debug("{} receipt '{}' for unknown message {}", receipt.channel().wireName(), receipt.status(), receipt.externalId());
            return false;
        }
        boolean changed = false;
        for (Map<String, Object> row : rows) {
            String current = (String) row.get("delivery_status");
            if (!moves(current, receipt.status())) {
                continue;
            }
            Instant at = receipt.at() == null ? Instant.now() : receipt.at();
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
