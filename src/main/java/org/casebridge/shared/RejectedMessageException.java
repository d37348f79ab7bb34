package org.casebridge.shared;

/**
 * A message casebridge refuses on purpose (it cannot become a valid case): never redelivered; the original is kept,
 * the refusal recorded with its reason, and the message put on the dead-letter queue. {@code slug} names the reason
 * ({@code urn:casebridge:problem:<slug>}).
 */
public class RejectedMessageException extends RuntimeException {

    private final String slug;

    public RejectedMessageException(String slug, String detail) {
        super(detail);
        this.slug = slug;
    }

    public RejectedMessageException(String slug, String detail, Throwable cause) {
        super(detail, cause);
        this.slug = slug;
    }

    public String slug() {
        return slug;
    }
}
