package org.casebridge.channel.email;

import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.MessageKind;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tells automatic mail from mail a person wrote, from headers and structure only: bounces (delivery status
 * reports, mailer-daemon and postmaster senders, {@code X-Failed-Recipients}) and auto-replies (RFC 3834
 * {@code Auto-Submitted}, {@code X-Autoreply}/{@code X-Autorespond}, {@code Precedence: bulk/junk/list},
 * Exchange's {@code X-Auto-Response-Suppress}, list mail, read receipts). Neither may open a case or be answered.
 * <p>
 * Bounces are checked first: delivery reports also carry {@code Auto-Submitted: auto-replied}.
 */
final class AutoReplyDetector {

    private static final Pattern DAEMON = Pattern.compile("^(mailer-daemon|postmaster|mail-daemon|maildaemon)(\\+.*)?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DAEMON_NAME = Pattern.compile("mail delivery (subsystem|system)|mailer-daemon",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BULK_PRECEDENCE = Pattern.compile("^\\s*(bulk|junk|list|auto_reply)\\b.*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SUPPRESS = Pattern.compile("\\b(all|oof|autoreply)\\b", Pattern.CASE_INSENSITIVE);
    /** Subject prefixes of out-of-office replies by the common servers, only as a prefix with its colon. */
    private static final Pattern AUTO_SUBJECT = Pattern.compile(
            "^\\s*(Auto(matic)? ?reply|Auto-Reply|Autoreply|Out of Office( AutoReply)?|Abwesenheitsnotiz|Automatische Antwort"
                    + "|Réponse automatique|Respuesta automática|Risposta automatica|Automatisch antwoord)\\s*:.*",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private AutoReplyDetector() {
    }

    static MessageKind classify(MimePart root, HeaderValues headers) {
        if (isBounce(root, headers)) {
            return MessageKind.BOUNCE;
        }
        return isAutoReply(root, headers) ? MessageKind.AUTO_REPLY : MessageKind.MESSAGE;
    }

    private static boolean isBounce(MimePart root, HeaderValues headers) {
        if ("multipart/report".equals(root.declaredType)
                && "delivery-status".equalsIgnoreCase(strip(root.typeParameters.get("report-type")))) {
            return true;
        }
        for (MimePart child : root.children) {
            if (child.mimeType.equals("message/delivery-status") || child.mimeType.equals("message/global-delivery-status")) {
                return true;
            }
        }
        if (headers.has("X-Failed-Recipients")) {
            return true;
        }
        List<EmailAddress> from = headers.addresses("From");
        for (EmailAddress address : from) {
            String local = address.address();
            int at = local.indexOf('@');
            if (DAEMON.matcher(at < 0 ? local : local.substring(0, at)).matches()) {
                return true;
            }
        }
        // "From: "" (Mail Delivery System)" has no address to look at, only a name
        String rawFrom = headers.raw("From");
        return from.isEmpty() && rawFrom != null && DAEMON_NAME.matcher(rawFrom).find();
    }

    private static boolean isAutoReply(MimePart root, HeaderValues headers) {
        String autoSubmitted = strip(headers.raw("Auto-Submitted"));
        if (autoSubmitted != null && !autoSubmitted.toLowerCase(Locale.ROOT).startsWith("no")) {
            return true;
        }
        for (String name : List.of("X-Autoreply", "X-Autorespond", "X-Autoresponse", "X-Autoreply-From", "X-Mail-Autoreply")) {
            String value = strip(headers.raw(name));
            if (value != null && !value.equalsIgnoreCase("no") && !value.equalsIgnoreCase("false") && !value.equals("0")) {
                return true;
            }
        }
        String precedence = headers.raw("Precedence");
        if (precedence != null && BULK_PRECEDENCE.matcher(precedence).matches()) {
            return true;
        }
        String suppress = headers.raw("X-Auto-Response-Suppress");
        if (suppress != null && SUPPRESS.matcher(suppress).find()) {
            return true;
        }
        if (headers.has("List-Id") || headers.has("List-Unsubscribe")) {
            return true;
        }
        // read receipts (RFC 8098) are reports a mail client sends by itself
        if ("multipart/report".equals(root.declaredType)
                && "disposition-notification".equalsIgnoreCase(strip(root.typeParameters.get("report-type")))) {
            return true;
        }
        String subject = headers.text("Subject");
        return subject != null && AUTO_SUBJECT.matcher(subject).matches();
    }

    private static String strip(String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
