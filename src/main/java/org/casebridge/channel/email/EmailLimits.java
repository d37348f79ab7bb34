package org.casebridge.channel.email;

/**
 * Bounds on one email, so that no message can exhaust memory, time or the attachment store; a message beyond any of
 * them is rejected as a whole ({@link EmailRejectedException}), never half-read.
 *
 * @param maxMessageSize    raw size of the whole message, in bytes
 * @param maxAttachmentSize decoded size of one attachment, in bytes
 * @param maxAttachments    attachments per message, embedded messages' attachments included
 * @param maxParts          MIME parts per message (bounds the work on hostile structures)
 * @param maxNestingDepth   levels of multiparts and embedded messages inside each other
 * @param maxHeaderCount    header fields per header
 * @param maxHeaderLength   characters in one (folded) header field
 * @param maxLineLength     characters in one header line (mime4j checks lines while it reads headers and
 *                          boundaries; body lines are bounded by the message size)
 */
public record EmailLimits(long maxMessageSize, long maxAttachmentSize, int maxAttachments, int maxParts,
                          int maxNestingDepth, int maxHeaderCount, int maxHeaderLength, int maxLineLength) {

    public EmailLimits {
        if (maxMessageSize <= 0 || maxAttachmentSize <= 0 || maxAttachments < 0 || maxParts <= 0 || maxNestingDepth <= 0
                || maxHeaderCount <= 0 || maxHeaderLength <= 0 || maxLineLength <= 0) {
            throw new IllegalArgumentException("Email limits must be positive: " + this);
        }
    }

    /**
     * Defaults sized for a customer mailbox: 25 MB is what the large providers let a sender send, attachments up to
     * 20 MB. Header lines may be far longer than RFC 5322's 998 characters (mailers that do not fold References in
     * long threads), so the line limit only stops pathological input, as does 64 KB for one folded field.
     */
    public static EmailLimits defaults() {
        return new EmailLimits(25L * 1024 * 1024, 20L * 1024 * 1024, 50, 500, 24, 1000, 64 * 1024, 32 * 1024);
    }
}
