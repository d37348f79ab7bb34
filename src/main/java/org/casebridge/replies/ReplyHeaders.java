package org.casebridge.replies;

/** Names of the headers and exchange properties of the reply flows; the JMS properties of {@code casebridge.replies} among them. */
public final class ReplyHeaders {

    /** Id of the reply: the message id its outbound message gets on the case (also a JMS property). */
    public static final String REPLY_ID = "CasebridgeReplyId";
    /** The channel a reply is delivered on, e.g. {@code email} for email and web form cases. */
    public static final String DELIVERY_CHANNEL = "CasebridgeDeliveryChannel";
    /** True when this reply went out before (a redelivery after a crash): it is not sent twice. */
    public static final String ALREADY_SENT = "CasebridgeAlreadySent";
    /**
     * Set by a channel's sender once the platform took the reply: the platform's id for the message it sent, recorded
     * on the outbound message so the platform's delivery receipts and the customer's replies to it find the case.
     */
    public static final String PLATFORM_MESSAGE_ID = "CasebridgePlatformMessageId";
    /** JMS type of a reply on {@code casebridge.replies}. */
    public static final String JMS_TYPE = "casebridge.reply.v1";

    /** Exchange property: the {@link Reply} being delivered. */
    static final String REPLY_PROPERTY = "CasebridgeReply";
    /** Exchange property: true once the reply is sent (or was sent before), so the delivery is not marked failed. */
    static final String DELIVERED_PROPERTY = "CasebridgeReplyDelivered";
    /** Exchange property: the reply repeats an earlier request and is already on the queue; nothing is published. */
    static final String ALREADY_PUBLISHED_PROPERTY = "CasebridgeAlreadyPublished";
    /** Exchange property: the delivery status answered to the API client. */
    static final String STATUS_PROPERTY = "CasebridgeReplyStatus";
    /** Exchange property: whether the API request repeated an earlier one (same Idempotency-Key). */
    static final String REPEATED_PROPERTY = "CasebridgeReplyRepeated";

    private ReplyHeaders() {
    }
}
