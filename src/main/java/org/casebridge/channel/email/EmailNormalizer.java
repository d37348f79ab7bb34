package org.casebridge.channel.email;

import org.casebridge.cases.Attachment;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.Priority;
import org.casebridge.cases.Recipients;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.store.AttachmentStore;
import org.casebridge.store.BlobStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the raw bytes of one RFC 822/MIME email into a canonical {@link Case} (channel email, inbound), or rejects
 * it with an {@link EmailRejectedException} naming the reason; no parser exception ever escapes.
 * <p>
 * Every charset the JVM knows is decoded, plus UTF-7 and the labels mailers use for them ({@link MailCharsets});
 * the text prefers text/plain and otherwise converts HTML with jsoup; HTML is kept sanitised; attachments,
 * inline images and forwarded messages go to the {@link AttachmentStore} and only their references into the case;
 * {@code body.latest} is the reply without quoted history and signature ({@link ReplyStripper}); {@code kind}
 * tells auto-replies and bounces ({@link AutoReplyDetector}).
 * <p>
 * Message-IDs ({@code source.externalId}, {@code thread.inReplyTo}, {@code thread.references}) are kept without
 * their angle brackets. Every message opens a new case here ({@code thread.method} new): joining a reply to its
 * case is the threading step's decision, made from {@code thread.inReplyTo} and {@code thread.references}.
 */
public class EmailNormalizer {

    private static final int MAX_SUBJECT = 998;

    private final AttachmentStore attachments;
    private final EmailLimits limits;
    private final Priority defaultPriority;
    private final Duration firstResponseTarget;
    private final Clock clock;
    private final MimeTreeReader reader;
    private final SenderAuthentication authentication;

    /** A normaliser that trusts no server's Authentication-Results: every sender is {@code trust.method none}. */
    public EmailNormalizer(AttachmentStore attachments, EmailLimits limits, Priority defaultPriority,
                           Duration firstResponseTarget, Clock clock) {
        this(attachments, limits, defaultPriority, firstResponseTarget, clock, SenderAuthentication.none());
    }

    public EmailNormalizer(AttachmentStore attachments, EmailLimits limits, Priority defaultPriority,
                           Duration firstResponseTarget, Clock clock, SenderAuthentication authentication) {
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.attachments = Objects.requireNonNull(attachments, "attachments");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.defaultPriority = Objects.requireNonNull(defaultPriority, "defaultPriority");
        this.firstResponseTarget = firstResponseTarget;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reader = new MimeTreeReader(limits);
    }

    /**
     * The case for one email.
     *
     * @param raw     the message exactly as received
     * @param mailbox the mailbox it was read from ({@code source.system})
     * @param rawRef  where the caller archived {@code raw} ({@code source.rawRef}), or null
     * @throws EmailRejectedException when the message is over a limit or cannot be read; nothing was stored then
     */
    public Case normalise(byte[] raw, String mailbox, String rawRef) {
        if (mailbox == null || mailbox.isBlank()) {
            throw new IllegalArgumentException("The mailbox (source.system) is required");
        }
        if (raw == null || raw.length == 0) {
            throw new EmailRejectedException("empty-message", "The message has no bytes.");
        }
        if (raw.length > limits.maxMessageSize()) {
            throw new EmailRejectedException("message-too-large",
                    "The message has " + raw.length + " bytes, more than the limit of " + limits.maxMessageSize() + ".");
        }
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Case unstored;
        List<BodyCollector.PendingAttachment> pending;
        try {
            MimePart root = reader.read(raw, 0);
            HeaderValues headers = new HeaderValues(root, root.charsetHint());
            BodyCollector content = new BodyCollector(reader, limits, root.charsetHint());
            content.collectMessage(root, 0);
            pending = content.attachments();
            checkAttachments(pending);
            unstored = toCase(root, headers, content, receivedAt, mailbox, rawRef);
        } catch (EmailRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            // a library failing on hostile content (jsoup, a codec): this message is rejected, the mailbox goes on
            throw new EmailRejectedException("unreadable-message", "The message content cannot be read: " + e, e);
        }
        // stored only now that the whole message is known to be acceptable: a rejection leaves no orphan files
        return withAttachments(unstored, store(pending));
    }

    private Case toCase(MimePart root, HeaderValues headers, BodyCollector content, Instant receivedAt, String mailbox,
                        String rawRef) {
        String text = content.text();
        Body body = new Body(text, ReplyStripper.latest(text), content.html());
        List<String> inReplyTo = headers.messageIds("In-Reply-To");
        Set<String> references = new LinkedHashSet<>(headers.messageIds("References"));
        // several In-Reply-To ids (some clients list the whole chain): the first answers, all are references
        references.addAll(inReplyTo);
        CaseThread thread = CaseThread.newCase(inReplyTo.isEmpty() ? null : inReplyTo.get(0), List.copyOf(references));
        List<String> messageIds = headers.messageIds("Message-ID");
        Customer customer = customer(headers);
        return new Case(Case.SCHEMA_VERSION, CaseIds.newCaseId(), CaseIds.newMessageId(), Channel.EMAIL,
                Direction.INBOUND, AutoReplyDetector.classify(root, headers), receivedAt, headers.date(),
                customer, subject(headers), body, List.of(),
                new Recipients(headers.addresses("To"), headers.addresses("Cc"), headers.addresses("Reply-To")),
                thread, new Source(mailbox, messageIds.isEmpty() ? null : messageIds.get(0), rawRef),
                defaultPriority, null, new Sla(firstResponseTarget == null ? null : receivedAt.plus(firstResponseTarget)),
                authentication.assess(mailbox, headers.rawAll("Authentication-Results"), customer.email()));
    }

    private static Case withAttachments(Case value, List<Attachment> stored) {
        return new Case(value.schemaVersion(), value.caseId(), value.messageId(), value.channel(), value.direction(),
                value.kind(), value.receivedAt(), value.sentAt(), value.customer(), value.subject(), value.body(), stored,
                value.recipients(), value.thread(), value.source(), value.priority(), value.category(), value.sla(),
                value.trust());
    }

    /** Attachment limits, checked on the whole message before anything is stored. */
    private void checkAttachments(List<BodyCollector.PendingAttachment> pending) {
        if (pending.size() > limits.maxAttachments()) {
            throw new EmailRejectedException("too-many-attachments", "The message has " + pending.size()
                    + " attachments, more than the limit of " + limits.maxAttachments() + ".");
        }
        for (BodyCollector.PendingAttachment attachment : pending) {
            if (attachment.bytes().length > limits.maxAttachmentSize()) {
                throw new EmailRejectedException("attachment-too-large", "Attachment "
                        + (attachment.filename() == null ? "without a name" : "'" + attachment.filename() + "'")
                        + " has " + attachment.bytes().length + " bytes, more than the limit of "
                        + limits.maxAttachmentSize() + ".");
            }
        }
    }

    private List<Attachment> store(List<BodyCollector.PendingAttachment> pending) {
        List<Attachment> stored = new ArrayList<>(pending.size());
        for (BodyCollector.PendingAttachment attachment : pending) {
            BlobStore.Stored blob = attachments.put(attachment.bytes());
            stored.add(new Attachment(attachment.filename(), attachment.contentType(), blob.size(), blob.sha256(),
                    blob.ref(), attachment.inline(), attachment.contentId()));
        }
        return List.copyOf(stored);
    }

    /**
     * The sender from From (else Sender), read tolerantly: whenever the field holds something address-shaped,
     * {@code email} has it and {@code displayName} only the name. With nothing address-shaped in it, {@code email} is
     * null and the field's text as written is the display name, so nothing the sender gave is lost.
     */
    private static Customer customer(HeaderValues headers) {
        String field = headers.has("From") ? "From" : "Sender";
        List<EmailAddress> from = headers.addresses(field);
        EmailAddress sender = from.isEmpty() ? null : from.get(0);
        String email = sender == null ? null : HeaderValues.validEmail(sender.address());
        if (email == null) {
            sender = headers.looseMailbox(field);
            email = sender == null ? null : sender.address();
        }
        return new Customer(email == null ? headers.text(field) : sender.name(), email, null, null, null, null, null);
    }

    private static String subject(HeaderValues headers) {
        String subject = headers.text("Subject");
        if (subject == null || subject.length() <= MAX_SUBJECT) {
            return subject;
        }
        int end = Character.isHighSurrogate(subject.charAt(MAX_SUBJECT - 1)) ? MAX_SUBJECT - 1 : MAX_SUBJECT;
        return subject.substring(0, end);
    }
}
