package org.casebridge.channel.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Receipts arrive late, twice and out of order: a delivery status only moves forward. */
class DeliveryReceiptsTests {

    @Test
    void movesForwardOnly() {
        assertThat(DeliveryReceipts.moves("queued", "sent")).isTrue();
        assertThat(DeliveryReceipts.moves("sent", "delivered")).isTrue();
        assertThat(DeliveryReceipts.moves("sent", "read")).isTrue();
        assertThat(DeliveryReceipts.moves("read", "delivered")).isFalse();
        assertThat(DeliveryReceipts.moves("delivered", "sent")).isFalse();
        assertThat(DeliveryReceipts.moves("delivered", "delivered")).isFalse();
    }

    @Test
    void recordsFailuresUnlessTheMessageArrived() {
        assertThat(DeliveryReceipts.moves("sent", "failed")).isTrue();
        assertThat(DeliveryReceipts.moves("queued", "failed")).isTrue();
        assertThat(DeliveryReceipts.moves("delivered", "failed")).isFalse();
        assertThat(DeliveryReceipts.moves("read", "failed")).isFalse();
        assertThat(DeliveryReceipts.moves("failed", "delivered")).isTrue();
    }

    @Test
    void ignoresStatusesItDoesNotKnow() {
        assertThat(DeliveryReceipts.moves("sent", "deleted")).isFalse();
        assertThat(DeliveryReceipts.moves("sent", null)).isFalse();
    }
}
