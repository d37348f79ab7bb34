package org.casebridge.channel.email;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.casebridge.cases.Attachment;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseSchema;
import org.casebridge.cases.Priority;
import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Builds an {@link EmailNormalizer} over a temporary attachment store, and checks cases against the schema, for the email tests. */
final class EmailFixtures {

    static final String MAILBOX = "support@housing.example";
    static final String RAW_REF = "raw/ab/abcdef";

    final AttachmentStore store;
    final EmailNormalizer normalizer;
    final CaseSchema schema = new CaseSchema(new ObjectMapper().registerModule(new JavaTimeModule()));

    EmailFixtures(Path dir) {
        this(dir, EmailLimits.defaults());
    }

    EmailFixtures(Path dir, EmailLimits limits) {
        store = new AttachmentStore(new BlobStore("attachments", dir, false));
        normalizer = new EmailNormalizer(store, limits, Priority.P3, Duration.ofHours(24), Clock.systemUTC());
    }

    /** Normalises a message written as text (LF line ends become CRLF, as on the wire) and validates the case. */
    Case normalise(String message) {
        return normalise(message.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    Case normalise(byte[] raw) {
        Case value = normalizer.normalise(raw, MAILBOX, RAW_REF);
        schema.toValidatedJson(value);
        return value;
    }

    byte[] bytes(Attachment attachment) {
        return store.get(attachment.ref());
    }
}
