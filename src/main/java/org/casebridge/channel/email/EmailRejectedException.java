package org.casebridge.channel.email;

/**
 * An email that cannot become a case: over a size limit or unreadable. {@link #reason()} is a stable slug for the
 * rejection record and metrics ({@code message-too-large}, {@code attachment-too-large}, ...), {@link #detail()}
 * a sentence for people.
 */
public class EmailRejectedException extends RuntimeException {

    private final String reason;
    private final String detail;

    public EmailRejectedException(String reason, String detail) {
        this(reason, detail, null);
    }

    public EmailRejectedException(String reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
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
