package org.casebridge.channel.email;

import org.casebridge.shared.RejectedMessageException;

/**
 * An email that cannot become a case: over a limit or unreadable. {@link #reason()} is a stable slug for the
 * rejection record and metrics, {@link #detail()} a sentence for people. The reasons: {@code empty-message},
 * {@code message-too-large}, {@code attachment-too-large}, {@code too-many-attachments}, {@code too-many-parts},
 * {@code nesting-too-deep}, {@code too-many-header-fields}, {@code header-field-too-long}, {@code line-too-long}
 * and {@code unreadable-message} (a structure or content no parser could read).
 */
public class EmailRejectedException extends RejectedMessageException {

    private final String reason;
    private final String detail;

    public EmailRejectedException(String reason, String detail) {
        this(reason, detail, null);
    }

    public EmailRejectedException(String reason, String detail, Throwable cause) {
        super(reason, detail, cause);
        this.reason = reason;
        this.detail = detail;
    }

    /** Stable slug naming why, e.g. {@code message-too-large}. */
    public String reason() {
        return reason;
    }

    /** What exactly was wrong, for the rejection record. */
    public String detail() {
        return detail;
    }
}
