package org.casebridge.channel.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The text of a customer's message whose kind the bridge cannot render (a platform's new message type, a poll, a
 * payment): it still becomes a case message, says what arrived and shows a bounded excerpt of the content, so no
 * tenant is ignored. The whole webhook payload is archived as the message's {@code source.rawRef}.
 */
public final class UnknownContent {

    /** Longest excerpt of the content on the case; the raw archive keeps all of it. */
    static final int MAX_EXCERPT = 2000;

    private UnknownContent() {
    }

    /** {@code [<platform> message of type '<type>' that casebridge cannot show<detail>; the original is kept]} and the excerpt. */
    public static String describe(String platform, String type, String detail, JsonNode content) {
        String excerpt = content == null || content.isMissingNode() || content.isNull() ? "" : content.toString();
        if (excerpt.length() > MAX_EXCERPT) {
            excerpt = excerpt.substring(0, MAX_EXCERPT) + "…";
        }
        return "[" + platform + " message of type '" + type + "' that casebridge cannot show"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail) + "; the original is kept]"
                + (excerpt.isEmpty() ? "" : "\n" + excerpt);
    }
}
