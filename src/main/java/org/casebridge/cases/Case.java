package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * The canonical Case message, version 1: one customer message, on any channel, as the back office sees it.
 * <p>
 * Its JSON form is described by {@code schema/case-v1.schema.json}; {@link CaseSchema} checks every case
 * before it leaves the bridge.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Case(
        String schemaVersion,
        String caseId,
        String messageId,
        Channel channel,
        Direction direction,
        MessageKind kind,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = INSTANT_PATTERN, timezone = "UTC")
        Instant receivedAt,
        @JsonFormat(shape = JsonFormat.Shape.STRING, pattern = INSTANT_PATTERN, timezone = "UTC")
        Instant sentAt,
        Customer customer,
        String subject,
        Body body,
        List<Attachment> attachments,
        Recipients recipients,
        CaseThread thread,
        Source source,
        Priority priority,
        String category,
        Sla sla,
        Trust trust) {

    /** The only schema version this bridge writes. */
    public static final String SCHEMA_VERSION = "1";

    /** ISO-8601 in UTC with exactly three fraction digits, e.g. {@code 2026-11-24T09:15:02.120Z}. */
    public static final String INSTANT_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

    /** This message with another message id. */
    public Case withMessageId(String newMessageId) {
        return new Case(schemaVersion, caseId, newMessageId, channel, direction, kind, receivedAt, sentAt, customer, subject,
                body, attachments, recipients, thread, source, priority, category, sla, trust);
    }

    /** This message with other threading information. */
    public Case withThread(CaseThread newThread) {
        return new Case(schemaVersion, caseId, messageId, channel, direction, kind, receivedAt, sentAt, customer, subject,
                body, attachments, recipients, newThread, source, priority, category, sla, trust);
    }

    /** This message with other customer details (e.g. enriched from the housing system). */
    public Case withCustomer(Customer newCustomer) {
        return new Case(schemaVersion, caseId, messageId, channel, direction, kind, receivedAt, sentAt, newCustomer, subject,
                body, attachments, recipients, thread, source, priority, category, sla, trust);
    }

    /** This message with other recipients (e.g. a Reply-To not to be trusted removed). */
    public Case withRecipients(Recipients newRecipients) {
        return new Case(schemaVersion, caseId, messageId, channel, direction, kind, receivedAt, sentAt, customer, subject,
                body, attachments, newRecipients, thread, source, priority, category, sla, trust);
    }

    /** This message with another trust record. */
    public Case withTrust(Trust newTrust) {
        return new Case(schemaVersion, caseId, messageId, channel, direction, kind, receivedAt, sentAt, customer, subject,
                body, attachments, recipients, thread, source, priority, category, sla, newTrust);
    }

    /** This message under another case id. */
    public Case withCaseId(String newCaseId) {
        return new Case(schemaVersion, newCaseId, messageId, channel, direction, kind, receivedAt, sentAt, customer, subject,
                body, attachments, recipients, thread, source, priority, category, sla, trust);
    }
}
