package org.casebridge.replies;

/** The body of {@code POST /api/v1/cases/{caseId}/replies}: a {@link Reply} without the case and reply ids, which the URL and the bridge give. */
record ReplyRequest(String text, String html, Reply.Author author, String kind, String reference) {

    /** This request as the reply queued for case {@code caseId}. */
    Reply toReply(String caseId, String replyId) {
        return new Reply(caseId, replyId, text, html, author, kind, reference);
    }
}
