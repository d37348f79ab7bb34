package org.casebridge.cases;

/**
 * The same message (same Idempotency-Key, or the same mail) is being stored and published by another request or
 * instance at this moment: the caller should come back shortly instead of publishing it a second time.
 */
public class MessageInFlightException extends RuntimeException {

    public MessageInFlightException(String message) {
        super(message);
    }
}
