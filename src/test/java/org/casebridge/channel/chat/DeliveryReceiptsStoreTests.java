package org.casebridge.channel.chat;

import org.casebridge.cases.CaseIds;
import org.casebridge.cases.Channel;
import org.casebridge.support.BridgeTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Receipts in the database: found by the platform's id, moved forward only, and kept when they come too early. */
class DeliveryReceiptsStoreTests extends BridgeTest {

    @Autowired
    DeliveryReceipts receipts;
    @Autowired
    JdbcTemplate jdbc;

    private String outboundMessage(String externalId, String status) {
        String caseId = CaseIds.newCaseId();
        String messageId = "msg-" + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.update("insert into cb_case (case_id, channel, status, priority, created_at, updated_at) values (?, 'whatsapp', 'open', 'P3', ?, ?)",
                caseId, now, now);
        jdbc.update("insert into cb_message (message_id, case_id, direction, kind, channel, received_at, external_id, delivery_state, payload,"
                + " delivery_status) values (?, ?, 'outbound', 'message', 'whatsapp', ?, ?, 'published', '{}', ?)", messageId, caseId, now, externalId, status);
        return messageId;
    }

    private String status(String messageId) {
        return jdbc.queryForObject("select delivery_status from cb_message where message_id = ?", String.class, messageId);
    }

    @Test
    void movesTheStatusOfTheMessageWithThePlatformsIdForwardOnly() {
        String externalId = "wamid." + UUID.randomUUID();
        String messageId = outboundMessage(externalId, "sent");

        assertThat(receipts.apply(new DeliveryReceipt(Channel.WHATSAPP, externalId, "read", Instant.now(), null))).isTrue();
        assertThat(receipts.apply(new DeliveryReceipt(Channel.WHATSAPP, externalId, "delivered", Instant.now(), null))).isFalse();
        assertThat(status(messageId)).isEqualTo("read");
    }

    @Test
    void aReceiptThatArrivesBeforeItsMessageIsRecordedIsAppliedOnceItIs() {
        String externalId = "wamid." + UUID.randomUUID();
        receipts.apply(new DeliveryReceipt(Channel.WHATSAPP, externalId, "delivered", Instant.now(), null));
        Integer kept = jdbc.queryForObject("select count(*) from cb_pending_receipt where external_id = ?", Integer.class, externalId);
        assertThat(kept).isEqualTo(1);

        // the send API answers: the sender records the id, and the reply flow applies what was waiting
        String messageId = outboundMessage(externalId, "sent");
        receipts.applyPending(Channel.WHATSAPP, externalId);

        assertThat(status(messageId)).isEqualTo("delivered");
        assertThat(jdbc.queryForObject("select count(*) from cb_pending_receipt where external_id = ?", Integer.class, externalId)).isZero();
    }

    @Test
    void receiptsOfOtherPlatformsOrUnknownStatusesAreNotKept() {
        String externalId = "wamid." + UUID.randomUUID();
        receipts.apply(new DeliveryReceipt(Channel.WHATSAPP, externalId, "deleted", Instant.now(), null));
        assertThat(jdbc.queryForObject("select count(*) from cb_pending_receipt where external_id = ?", Integer.class, externalId)).isZero();
    }
}
