package org.casebridge.channel.chat;

import org.casebridge.cases.Attachment;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.cases.Trust;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Normalizer from a {@link ChatMessage} (any platform) to the canonical {@link Case}. Pure: the caller has decided the
 * threading and stored the media; the {@code normalise} command uses it the same way without a database.
 */
public final class ChatNormalizer {

    private static final int MAX_SUBJECT = 78;

    private final Priority defaultPriority;
    private final Duration firstResponseTarget;
    private final String defaultRegion;
    private final Clock clock;

    public ChatNormalizer(Priority defaultPriority, Duration firstResponseTarget, String defaultRegion, Clock clock) {
        this.clock = clock;
        this.defaultPriority = defaultPriority;
        this.firstResponseTarget = firstResponseTarget;
        this.defaultRegion = defaultRegion;
    }

    /**
     * The case message for {@code message}: in case {@code caseId} (a new id when {@code thread} opens a case), with
     * {@code attachments} already in the attachment store and {@code notes} (e.g. media left on the platform) added
     * to the text.
     */
    public Case toCase(ChatMessage message, String caseId, CaseThread thread, List<Attachment> attachments, List<String> notes,
                       String rawRef, Trust trust) {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ChatMessage.Sender sender = message.sender();
        Customer customer = new Customer(blankToNull(sender.displayName()), blankToNull(sender.email()),
                Phones.toE164(sender.phone(), defaultRegion), blankToNull(sender.handle()), blankToNull(sender.platformUserId()), null, null);
        String text = message.text();
        if (notes != null && !notes.isEmpty()) {
            text = (text.isEmpty() ? "" : text + "\n\n") + String.join("\n", notes);
        }
        String platform = platformName(message);
        return new Case(Case.SCHEMA_VERSION, caseId == null ? CaseIds.newCaseId() : caseId, CaseIds.newMessageId(), message.channel(),
                Direction.INBOUND, MessageKind.MESSAGE, receivedAt,
                message.sentAt() == null ? null : message.sentAt().truncatedTo(ChronoUnit.MILLIS), customer,
                subject(message, customer, platform), new Body(text, text.strip(), null), attachments == null ? List.of() : List.copyOf(attachments),
                null, thread, new Source(message.channel().wireName() + ":" + (message.account() == null ? "default" : message.account()),
                message.externalId(), rawRef), defaultPriority, null,
                new Sla(firstResponseTarget == null ? null : receivedAt.plus(firstResponseTarget)), trust);
    }

    /** The first line of the text, shortened; or who wrote on which platform when there is no text. */
    static String subject(ChatMessage message, Customer customer, String platform) {
        String firstLine = message.text().strip().lines().findFirst().orElse("").strip();
        if (!firstLine.isEmpty()) {
            return firstLine.length() <= MAX_SUBJECT ? firstLine : firstLine.substring(0, MAX_SUBJECT - 1).stripTrailing() + "…";
        }
        String who = customer.displayName() != null ? customer.displayName()
                : customer.handle() != null ? customer.handle() : customer.phone() != null ? customer.phone() : "a customer";
        return platform + " message from " + who;
    }

    private static String platformName(ChatMessage message) {
        return switch (message.channel()) {
            case WHATSAPP -> "WhatsApp";
            case SMS -> "SMS";
            case TWITTER -> "X";
            case WEBCHAT -> "Web chat";
            default -> {
                String wire = message.channel().wireName();
                yield wire.substring(0, 1).toUpperCase(Locale.ROOT) + wire.substring(1);
            }
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
