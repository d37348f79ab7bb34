package org.casebridge.channel.webform;

import java.util.List;

/**
 * The JSON a client system or website form posts to {@code POST /api/v1/messages}.
 *
 * @param sender      who wrote (name, email and/or phone; at least one way to answer)
 * @param subject     optional subject line
 * @param text        the message text (required)
 * @param reference   the client's own id for this message, kept as {@code source.externalId}
 * @param sentAt      when the customer sent it (ISO-8601), if the client knows
 * @param attachments optional files, base64-encoded
 */
record WebformRequest(Sender sender, String subject, String text, String reference, String sentAt,
                      List<WebformAttachment> attachments) {

    /** The person writing. */
    record Sender(String name, String email, String phone) {
    }

    /** A file sent with the message; {@code content} is standard base64. */
    record WebformAttachment(String filename, String contentType, String content) {
    }
}
