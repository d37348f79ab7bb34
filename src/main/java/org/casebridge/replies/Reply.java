package org.casebridge.replies;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A reply to the customer of a case as it travels on {@code casebridge.replies} (JSON): the back office's text, and
 * optionally HTML, an author and its own reference. {@code replyId} is given by the bridge (the API sets it); a
 * producer writing to the queue directly leaves it out and one is derived from the JMS message id.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record Reply(String caseId, String replyId, String text, String html, Author author, String kind, String reference) {

    /** The default kind: a human answer. */
    static final String MESSAGE = "message";

    /** Who in the back office wrote the reply. */
    record Author(String name) {
    }

    /** The kind, {@link #MESSAGE} when none was given. */
    String kindOrDefault() {
        return kind == null ? MESSAGE : kind;
    }
}
