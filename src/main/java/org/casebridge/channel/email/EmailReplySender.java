package org.casebridge.channel.email;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import org.casebridge.cases.Case;
import org.casebridge.cases.Channel;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Recipients;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.cases.Source;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.cases.ThreadMethod;
import org.casebridge.replies.PlatformAnswer;
import org.casebridge.replies.PlatformCall;
import org.casebridge.replies.ReplyPlan;
import org.casebridge.replies.ReplySender;
import org.casebridge.replies.SendOutcome;
import org.springframework.stereotype.Component;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The email channel's {@link ReplySender}: addresses a reply (To, subject with the case token, Reply-To with the token,
 * In-Reply-To and References from the customer's latest mail, our Message-ID) and turns the stored outbound case into
 * the MIME message that the outbox's smtp/smtps endpoint sends.
 * <p>
 * Everything the mail needs is in the outbound case, which is stored before sending: a reply redelivered after a crash
 * is the same mail with the same Message-ID, so a mail client shows a duplicate at most once.
 */
@Component("emailReplySender")
public class EmailReplySender implements ReplySender {

    /** A subject that answers something already: "Re:" in any case, perhaps with a space before the colon. */
    private static final Pattern REPLY_PREFIX = Pattern.compile("(?i)^re\\s*:");
    private static final int MAX_SUBJECT = 998;
    /** RFC 5322 asks to keep References short; 20 ids (the first and the 19 latest) keep any thread together. */
    static final int MAX_REFERENCES = 20;

    private final OutboxProperties outbox;
    // only for building messages: camel-mail's own session (with the outbox settings) sends them
    private final Session session = Session.getInstance(new Properties());
    private final Clock clock;

    public EmailReplySender(OutboxProperties outbox, Clock clock) {
        this.clock = clock;
        outbox.validate();
        this.outbox = outbox;
    }

    /** What the email channel sets on an outbound case: subject, recipients, threading and source. */
    public record Addressing(String subject, Recipients recipients, CaseThread thread, Source source) {
    }

    /**
     * Addresses a reply to case {@code caseId} whose outbound message will be {@code messageId}: to the Reply-To of the
     * customer's first message or else the customer's address, in reply to the customer's latest mail
     * ({@code latestEmailId}, with its {@code latestReferences}) when there is one.
     *
     * @throws RejectedMessageException when the customer has no usable email address: retrying cannot help
     */
    public Addressing address(String caseId, String caseSubject, String messageId, Case firstInbound,
                              String latestEmailId, List<String> latestReferences) {
        List<EmailAddress> to = recipientsOf(caseId, firstInbound);
        String inReplyTo = ThreadIndex.normaliseRef(latestEmailId);
        List<String> references = inReplyTo == null ? List.of() : references(latestReferences, inReplyTo);
        String ownMessageId = messageIdFor(messageId);
        return new Addressing(replySubject(caseSubject, caseId),
                new Recipients(to, List.of(), List.of(new EmailAddress(outbox.getFromName(), replyAddress(caseId)))),
                // the reply names its case itself (the correlation identifier): certain, not inferred
                new CaseThread(ThreadMethod.HEADER, 1.0, inReplyTo, references, null),
                new Source(outbox.getFromAddress(), ownMessageId, null));
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    /** The reply addressed by mail: to the customer, with the case token, threaded under the customer's latest mail. */
    @Override
    public Case address(Case draft, Conversation conversation) {
        Addressing addressing = address(draft.caseId(), draft.subject(), draft.messageId(), conversation.firstInbound(),
                conversation.latestEmailId(), conversation.latestEmailReferences());
        return new Case(draft.schemaVersion(), draft.caseId(), draft.messageId(), draft.channel(), draft.direction(), draft.kind(),
                draft.receivedAt(), draft.sentAt(), draft.customer(), addressing.subject(), draft.body(), draft.attachments(),
                addressing.recipients(), addressing.thread(), addressing.source(), draft.priority(), draft.category(), draft.sla(),
                draft.trust());
    }

    /** The first address the reply is sent to (addressing refused a reply without one already). */
    @Override
    public String recipient(Case reply) {
        return reply.recipients() == null || reply.recipients().to() == null || reply.recipients().to().isEmpty() ? null
                : reply.recipients().to().get(0).address();
    }

    /** One call: the stored outbound case as the MIME message, which the outbox endpoint sends as it is. */
    @Override
    public ReplyPlan plan(Case reply, String recipient) {
        try {
            return ReplyPlan.Calls.of(new PlatformCall(toMimeMessage(reply), Map.of()));
        } catch (MessagingException e) {
            return new SendOutcome.Failed("The reply cannot be written as a mail: " + e.getMessage());
        }
    }

    /** The outbox took the mail; its Message-ID is on the case already ({@code source.externalId}). */
    @Override
    public SendOutcome answer(Case reply, PlatformCall call, PlatformAnswer answer) {
        return new SendOutcome.Sent(null);
    }

    /** The mail for an addressed outbound case. */
    MimeMessage toMimeMessage(Case reply) throws MessagingException {
        String messageIdHeader = "<" + reply.source().externalId() + ">";
        MimeMessage mail = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // Jakarta Mail would draw a new Message-ID on every save: ours is recorded for threading and must stay
                setHeader("Message-ID", messageIdHeader);
            }
        };
        mail.setFrom(address(outbox.getFromName(), outbox.getFromAddress()));
        mail.setRecipients(Message.RecipientType.TO, addresses(reply.recipients().to()));
        mail.setReplyTo(addresses(reply.recipients().replyTo()));
        mail.setSubject(reply.subject(), StandardCharsets.UTF_8.name());
        mail.setSentDate(Date.from(clock.instant()));
        CaseThread thread = reply.thread();
        if (thread != null && thread.inReplyTo() != null) {
            mail.setHeader("In-Reply-To", "<" + thread.inReplyTo() + ">");
        }
        if (thread != null && thread.references() != null && !thread.references().isEmpty()) {
            String references = String.join(" ", thread.references().stream().map(ref -> "<" + ref + ">").toList());
            mail.setHeader("References", MimeUtility.fold("References: ".length(), references));
        }
        if (reply.kind() == MessageKind.AUTO_REPLY) {
            // RFC 3834: well-behaved responders never answer this; Exchange/Outlook honour only their own header
            mail.setHeader("Auto-Submitted", "auto-replied");
            mail.setHeader("X-Auto-Response-Suppress", "All");
        }
        String text = reply.body().text();
        String html = reply.body().html();
        if (html == null) {
            mail.setText(text, StandardCharsets.UTF_8.name());
        } else {
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, StandardCharsets.UTF_8.name());
            MimeBodyPart rich = new MimeBodyPart();
            rich.setText("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + html + "</body></html>",
                    StandardCharsets.UTF_8.name(), "html");
            // the plain part first: multipart/alternative lists the simplest rendering first
            mail.setContent(new MimeMultipart("alternative", plain, rich));
        }
        mail.saveChanges();
        return mail;
    }

    /** Our Message-ID for outbound message {@code messageId}, without angle brackets: {@code <uuid>@<outbox domain>}. */
    public String messageIdFor(String messageId) {
        String local = messageId.startsWith("msg-") ? messageId.substring(4) : messageId;
        return local.replaceAll("[^A-Za-z0-9.-]", "-") + "@" + outbox.fromDomain();
    }

    /** The tokenised address answers come back to, {@code support+cb-7k3m9q@example.org}: it threads a reply by address too. */
    public String replyAddress(String caseId) {
        return outbox.fromLocalPart() + "+" + caseId.toLowerCase(Locale.ROOT) + "@" + outbox.fromDomain();
    }

    /** {@code Re: <subject> [CB-7K3M9Q]}: one "Re:", and the case token unless the subject carries it already. */
    static String replySubject(String subject, String caseId) {
        String base = subject == null || subject.isBlank() ? "Your message" : subject.replaceAll("\\s+", " ").strip();
        String token = "[" + caseId + "]";
        String prefixed = (REPLY_PREFIX.matcher(base).lookingAt() ? "" : "Re: ") + base;
        boolean hasToken = prefixed.toUpperCase(Locale.ROOT).contains(token);
        String full = hasToken ? prefixed : prefixed + " " + token;
        if (full.length() <= MAX_SUBJECT) {
            return full;
        }
        // an absurdly long subject is cut, keeping the token so that the customer's answer still threads
        String cut = prefixed.substring(0, MAX_SUBJECT - token.length() - 1);
        return cut.toUpperCase(Locale.ROOT).contains(token) ? cut : cut + " " + token;
    }

    /** The References of a reply: the earlier mail's References and its own id, the first and the latest kept when too many. */
    static List<String> references(List<String> earlier, String latest) {
        Set<String> all = new LinkedHashSet<>();
        if (earlier != null) {
            earlier.stream().map(ThreadIndex::normaliseRef).filter(ref -> ref != null).forEach(all::add);
        }
        all.remove(latest);
        all.add(latest);
        List<String> ordered = new ArrayList<>(all);
        if (ordered.size() <= MAX_REFERENCES) {
            return List.copyOf(ordered);
        }
        List<String> capped = new ArrayList<>();
        capped.add(ordered.get(0));
        capped.addAll(ordered.subList(ordered.size() - (MAX_REFERENCES - 1), ordered.size()));
        return List.copyOf(capped);
    }

    private static List<EmailAddress> recipientsOf(String caseId, Case firstInbound) {
        List<EmailAddress> to = new ArrayList<>();
        if (firstInbound != null) {
            String name = firstInbound.customer() == null ? null : firstInbound.customer().displayName();
            if (firstInbound.recipients() != null && firstInbound.recipients().replyTo() != null) {
                firstInbound.recipients().replyTo().stream().filter(a -> valid(a.address())).forEach(to::add);
            }
            if (to.isEmpty() && firstInbound.customer() != null && valid(firstInbound.customer().email())) {
                to.add(new EmailAddress(name, firstInbound.customer().email()));
            }
        }
        if (to.isEmpty()) {
            throw new RejectedMessageException("no-reply-address", "Case " + caseId + " has no email address to answer to");
        }
        return List.copyOf(to);
    }

    private static boolean valid(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            new InternetAddress(address, true).validate();
            return true;
        } catch (AddressException e) {
            return false;
        }
    }

    private static InternetAddress[] addresses(List<EmailAddress> list) {
        return list.stream().map(a -> address(a.name(), a.address())).toArray(InternetAddress[]::new);
    }

    private static InternetAddress address(String name, String address) {
        try {
            return new InternetAddress(address, name, StandardCharsets.UTF_8.name());
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }
}
