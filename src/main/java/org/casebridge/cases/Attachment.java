package org.casebridge.cases;

/** An attachment's description; the bytes stay in the attachment store under {@code ref}. */
public record Attachment(String filename, String contentType, long size, String sha256, String ref,
                         boolean inline, String contentId) {
}
