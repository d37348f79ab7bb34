package org.casebridge.channel.chat;

import org.casebridge.cases.Channel;

import java.time.Instant;

/**
 * A platform's report on a message the bridge sent: {@code externalId} is the platform's id for that message, and
 * {@code status} one of {@code sent}, {@code delivered}, {@code read}, {@code failed} ({@code detail} says why).
 */
public record DeliveryReceipt(Channel channel, String externalId, String status, Instant at, String detail) {

    public static final String SENT = "sent";
    public static final String DELIVERED = "delivered";
    public static final String READ = "read";
    public static final String FAILED = "failed";
}
