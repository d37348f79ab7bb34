package org.casebridge.cases;

/** Names of the Camel headers and exchange properties casebridge sets; JMS consumers can select on the headers. */
public final class CaseHeaders {

    /** The case id, e.g. {@code CB-7K3M9Q} (also a JMS property). */
    public static final String CASE_ID = "CasebridgeCaseId";
    /**
     * The JMS message group, always the case id: the broker hands all messages of one case to one consumer at a
     * time, in order, also with several instances reading one queue.
     */
    public static final String GROUP_ID = "JMSXGroupID";
    /** The message id within the case (also a JMS property). */
    public static final String MESSAGE_ID = "CasebridgeMessageId";
    /** The channel's wire name, e.g. {@code webform} (also a JMS property). */
    public static final String CHANNEL = "CasebridgeChannel";
    /** Priority P1..P4 (also a JMS property). */
    public static final String PRIORITY = "CasebridgePriority";
    /** Category, when triage set one (also a JMS property). */
    public static final String CATEGORY = "CasebridgeCategory";
    /** Message kind: message, auto-reply, bounce, status-update (also a JMS property). */
    public static final String KIND = "CasebridgeKind";
    /** True when the message opened its case, false when it joins an existing one (also a JMS property). */
    public static final String NEW_CASE = "CasebridgeNewCase";
    /** Schema version of the JSON body (also a JMS property). */
    public static final String SCHEMA_VERSION = "CasebridgeSchemaVersion";

    /** The authenticated API client that sent the request. */
    public static final String CLIENT_ID = "CasebridgeClientId";
    /** The user logged in to an admin path ({@code /api/v1/admin/**}); set by the bridge, never by the client. */
    public static final String ADMIN_USER = "CasebridgeAdminUser";
    /** The client's Idempotency-Key, when it sent one. */
    public static final String IDEMPOTENCY_KEY = "CasebridgeIdempotencyKey";
    /** Where the untouched original bytes were archived. */
    public static final String RAW_REF = "CasebridgeRawRef";
    /** True when this request repeats one already published: nothing is published again. */
    public static final String ALREADY_PUBLISHED = "CasebridgeAlreadyPublished";

    /** Why a message was dead-lettered (set on dead-letter queue entries). */
    public static final String FAILURE_REASON = "CasebridgeFailureReason";
    /** Class of the exception that dead-lettered a message. */
    public static final String FAILURE_EXCEPTION = "CasebridgeFailureException";
    /** Route that failed. */
    public static final String FAILURE_ROUTE_ID = "CasebridgeFailureRouteId";
    /** Endpoint the failed message came from. */
    public static final String FAILURE_ENDPOINT = "CasebridgeFailureEndpoint";
    /** When the message was dead-lettered (ISO-8601 UTC). */
    public static final String FAILED_AT = "CasebridgeFailedAt";
    /** How many redeliveries were tried before dead-lettering. */
    public static final String REDELIVERIES = "CasebridgeRedeliveries";
    /** The dead-letter queue a failed message goes to ({@code <queue>.dlq}). */
    public static final String DEAD_LETTER_QUEUE = "CasebridgeDeadLetterQueue";

    /** Id of the rejection record of a refused message (on its dead-letter queue entry). */
    public static final String REJECTION_ID = "CasebridgeRejectionId";
    /** Problem type of a refused message, {@code urn:casebridge:problem:<slug>}. */
    public static final String REJECTION_TYPE = "CasebridgeRejectionType";

    /** Exchange property holding the {@link Case} object while a route works on it. */
    public static final String CASE_PROPERTY = "CasebridgeCase";

    private CaseHeaders() {
    }
}
