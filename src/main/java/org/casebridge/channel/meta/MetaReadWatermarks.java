package org.casebridge.channel.meta;

import org.apache.camel.Exchange;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatIntake;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.DeliveryReceipts;
import org.casebridge.channel.chat.WebhookRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Applies the Messenger Platform's watermarks: a {@code read} (or {@code delivery}) event says "everything the
 * Page sent this customer up to this time", not which messages. Every outbound message to the customer on the channel
 * that was sent and created no later than the watermark moves on, through {@link DeliveryReceipts} (forward only).
 * Instagram names the last message read ({@code read.mid}) instead: its creation time is the watermark.
 * <p>
 * A route step of the Messenger and Instagram webhooks, after {@code chatIntake.parse}: it reads the call again from
 * the request {@code chatIntake} kept, since resolving a watermark needs the database and parsing must stay pure.
 */
@Component("metaReadWatermarks")
public class MetaReadWatermarks {

    private final JdbcTemplate jdbc;
    private final DeliveryReceipts receipts;

    public MetaReadWatermarks(JdbcTemplate jdbc, DeliveryReceipts receipts) {
        this.jdbc = jdbc;
        this.receipts = receipts;
    }

    /** Route step: applies the watermarks of the webhook call in the exchange. */
    public void apply(Exchange exchange) {
        WebhookRequest request = exchange.getProperty(ChatIntake.REQUEST_PROPERTY, WebhookRequest.class);
        Channel channel = Channel.fromWire(exchange.getMessage().getHeader(CaseHeaders.CHANNEL, String.class));
        if (request == null || (channel != Channel.MESSENGER && channel != Channel.INSTAGRAM)) {
            return;
        }
        apply(MetaPayloads.parse(request.body(), channel, channel == Channel.MESSENGER ? "page" : "instagram").watermarks());
    }

    /** Applies each watermark; returns how many outbound messages changed status. */
    public int apply(List<MetaPayloads.Watermark> watermarks) {
        int changed = 0;
        for (MetaPayloads.Watermark watermark : watermarks) {
            Instant upTo = watermark.upTo() != null ? watermark.upTo() : createdAt(watermark);
            if (upTo == null || watermark.customer() == null) {
                continue;
            }
            List<String> statuses = DeliveryReceipt.READ.equals(watermark.status())
                    ? List.of(DeliveryReceipt.SENT, DeliveryReceipt.DELIVERED) : List.of(DeliveryReceipt.SENT);
            // created (received_at) no later than the watermark, and out (published_at): a reply still being sent is
            // not covered; Meta's clock stamps the send a little after our creation time, never before
            List<String> ids = jdbc.queryForList("select m.external_id from cb_message m where m.channel = ? and m.direction = 'outbound'"
                            + " and m.external_id is not null and m.published_at is not null and m.received_at <= ?"
                            + " and m.delivery_status in (?, ?) and m.case_id in (select p.case_id from cb_case_participant p"
                            + " where p.channel = ? and p.address = ?)", String.class, watermark.channel().wireName(),
                    OffsetDateTime.ofInstant(upTo, ZoneOffset.UTC), statuses.get(0), statuses.get(statuses.size() - 1),
                    watermark.channel().wireName(), watermark.customer());
            for (String id : ids) {
                if (receipts.apply(new DeliveryReceipt(watermark.channel(), id, watermark.status(), upTo, null))) {
                    changed++;
                }
            }
        }
        return changed;
    }

    /** When the bridge created our message {@code mid}, if it sent it. */
    private Instant createdAt(MetaPayloads.Watermark watermark) {
        if (watermark.mid() == null) {
            return null;
        }
        List<Map<String, Object>> rows = jdbc.queryForList("select received_at from cb_message where external_id = ? and channel = ?"
                + " and direction = 'outbound'", watermark.mid(), watermark.channel().wireName());
        return rows.isEmpty() ? null : toInstant(rows.get(0).get("received_at"));
    }

    private static Instant toInstant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return value == null ? null : OffsetDateTime.parse(value.toString()).toInstant();
    }
}
