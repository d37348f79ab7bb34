package org.casebridge.channel.email;

import org.jsoup.nodes.Document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLConnection;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks one message's part tree and gathers what the case shows: the text (HTML turned into text where there is no
 * plain text), the first HTML body (sanitised), and the attachments, which are only collected here and stored once
 * the whole message is known to be within the limits.
 * <p>
 * multipart/alternative prefers text/plain, and takes the HTML only for {@code body.html} and its inline images;
 * multipart/related shows its root and keeps the other parts as inline attachments; an embedded message
 * (message/rfc822, a forward) is kept as an attachment and its text follows under a "Forwarded message" heading,
 * with its own attachments listed with the others.
 */
final class BodyCollector {

    /** An attachment found in the message, not stored yet. */
    record PendingAttachment(byte[] bytes, String filename, String contentType, boolean inline, String contentId) {
    }

    /** Text subtypes that are data, not something the sender wrote for a person to read: kept as attachments. */
    private static final Set<String> DATA_TEXT = Set.of("calendar", "vcard", "x-vcard", "directory", "csv",
            "tab-separated-values", "xml", "rfc822-headers", "css", "javascript", "x-vcalendar", "markdown-data");
    private static final Pattern MEDIA_TYPE = Pattern.compile("^[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+$");
    private static final Pattern META_CHARSET = Pattern.compile("(?i)<meta[^>]{0,200}charset\\s*=\\s*[\"']?([a-zA-Z0-9_.:-]{1,40})");
    private static final int MAX_FILENAME = 255;

    private final MimeTreeReader reader;
    private final EmailLimits limits;
    private final Charset hint;
    private final List<PendingAttachment> attachments;
    private final int[] partsSeen;
    private final List<String> texts = new ArrayList<>();
    private String html;
    /** Only the first HTML body part becomes {@code body.html}, even when it was refused as too deep. */
    private boolean htmlSeen;

    /** A collector for a top-level message with the given header charset hint. */
    BodyCollector(MimeTreeReader reader, EmailLimits limits, Charset hint) {
        this(reader, limits, hint, new ArrayList<>(), new int[1]);
    }

    private BodyCollector(MimeTreeReader reader, EmailLimits limits, Charset hint, List<PendingAttachment> attachments,
                          int[] partsSeen) {
        this.reader = reader;
        this.limits = limits;
        this.hint = hint;
        this.attachments = attachments;
        this.partsSeen = partsSeen;
    }

    /** The full text: every text part in order, forwarded messages included, line breaks as {@code \n}. */
    String text() {
        StringBuilder out = new StringBuilder();
        for (String text : texts) {
            String segment = text.strip();
            if (segment.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            out.append(segment);
        }
        return out.toString();
    }

    /** The sanitised HTML of the first HTML body part, or null. */
    String html() {
        return html;
    }

    /**
     * The attachments, each with a file name the back office can open: a part the sender left unnamed is called
     * {@code attachment-N} with the extension of its content type ({@code attachment-1.jpg}), N counting the unnamed.
     */
    List<PendingAttachment> attachments() {
        List<PendingAttachment> named = new ArrayList<>(attachments.size());
        int unnamed = 0;
        for (PendingAttachment attachment : attachments) {
            if (attachment.filename() == null) {
                unnamed++;
                attachment = new PendingAttachment(attachment.bytes(),
                        "attachment-" + unnamed + "." + MediaTypeExtensions.of(attachment.contentType()),
                        attachment.contentType(), attachment.inline(), attachment.contentId());
            }
            named.add(attachment);
        }
        return named;
    }

    /** Collects {@code part}, the root of a message at nesting {@code depth}. */
    void collectMessage(MimePart root, int depth) {
        partsSeen[0] += count(root);
        if (partsSeen[0] > limits.maxParts()) {
            throw new EmailRejectedException("too-many-parts", "The message has more than " + limits.maxParts()
                    + " MIME parts, embedded messages included.");
        }
        if (!root.multipart && root.mediaType().equals("text") && !root.isAttachmentDisposition()
                && !DATA_TEXT.contains(root.subType())) {
            // a single-part message is its body, whatever name its Content-Type gives it
            bodyText(root, true);
        } else {
            collect(root, depth, true, false);
        }
    }

    private static int count(MimePart part) {
        int count = 1;
        for (MimePart child : part.children) {
            count += count(child);
        }
        return count;
    }

    /**
     * @param textWanted false inside the HTML alternative of a message whose plain text was taken: its HTML still
     *                   becomes {@code body.html} and its images attachments, but it adds no text
     * @param related    inside multipart/related, where parts other than the root are inline by default
     */
    private void collect(MimePart part, int depth, boolean textWanted, boolean related) {
        if (part.multipart) {
            switch (part.subType()) {
                case "alternative" -> alternative(part, depth, textWanted);
                case "related" -> related(part, depth, textWanted);
                case "report" -> report(part, depth, textWanted);
                default -> {
                    for (MimePart child : part.children) {
                        collect(child, depth + 1, textWanted, false);
                    }
                }
            }
            return;
        }
        if (part.isMessage()) {
            embeddedMessage(part, depth, true);
        } else if (isBodyText(part)) {
            bodyText(part, textWanted);
        } else {
            attach(part, related);
        }
    }

    private static boolean isBodyText(MimePart part) {
        return part.mediaType().equals("text") && !part.isAttachmentDisposition() && part.filename == null
                && !DATA_TEXT.contains(part.subType());
    }

    private void alternative(MimePart part, int depth, boolean textWanted) {
        MimePart plain = null;
        MimePart rich = null;
        for (MimePart child : part.children) {
            if (child.isAttachmentDisposition()) {
                continue;
            }
            if (child.mimeType.equals("text/plain") && plain == null) {
                plain = child;
            } else if (child.mimeType.equals("text/html") || (child.multipart && containsHtml(child))) {
                // the last alternative is the sender's richest
                rich = child;
            }
        }
        MimePart chosen;
        if (plain != null && !MailCharsets.decode(body(plain), plain.charset).isBlank()) {
            chosen = plain;
            bodyText(plain, textWanted);
            if (rich != null) {
                collect(rich, depth + 1, false, false);
            }
        } else if (rich != null) {
            chosen = rich;
            collect(rich, depth + 1, textWanted, false);
        } else {
            chosen = part.children.isEmpty() ? null : part.children.get(part.children.size() - 1);
            if (chosen != null) {
                collect(chosen, depth + 1, textWanted, false);
            }
        }
        for (MimePart child : part.children) {
            // other renderings of the same text are dropped; data (a calendar invitation, a file) is kept
            if (child != chosen && child != rich && child != plain && !isBodyText(child)) {
                collect(child, depth + 1, false, false);
            }
        }
    }

    private static boolean containsHtml(MimePart part) {
        if (!part.multipart) {
            return part.mimeType.equals("text/html") && !part.isAttachmentDisposition();
        }
        for (MimePart child : part.children) {
            if (containsHtml(child)) {
                return true;
            }
        }
        return false;
    }

    private void related(MimePart part, int depth, boolean textWanted) {
        if (part.children.isEmpty()) {
            return;
        }
        MimePart root = part.children.get(0);
        String start = part.typeParameters.get("start");
        if (start != null) {
            String id = start.strip().replaceAll("^<|>$", "");
            for (MimePart child : part.children) {
                if (id.equals(child.contentId)) {
                    root = child;
                    break;
                }
            }
        }
        collect(root, depth + 1, textWanted, false);
        for (MimePart child : part.children) {
            if (child != root) {
                collect(child, depth + 1, false, true);
            }
        }
    }

    /**
     * A delivery or read report (RFC 6522): the first part is the explanation for people; the machine-readable
     * status and the returned message are kept as attachments, without repeating our own message's text.
     */
    private void report(MimePart part, int depth, boolean textWanted) {
        for (int i = 0; i < part.children.size(); i++) {
            MimePart child = part.children.get(i);
            if (i == 0) {
                collect(child, depth + 1, textWanted, false);
            } else if (child.isMessage()) {
                embeddedMessage(child, depth + 1, false);
            } else if (child.multipart) {
                collect(child, depth + 1, false, false);
            } else {
                attach(child, false);
            }
        }
    }

    private void bodyText(MimePart part, boolean textWanted) {
        if (part.subType().equals("html")) {
            Document document = HtmlBodies.parse(decodeHtml(part));
            if (textWanted) {
                texts.add(normaliseLineBreaks(HtmlBodies.text(document)));
            }
            if (html == null && !htmlSeen) {
                htmlSeen = true;
                String sanitised = HtmlBodies.sanitise(document);
                html = sanitised == null ? null : normaliseLineBreaks(sanitised);
            }
            return;
        }
        if (!textWanted) {
            return;
        }
        String text = normaliseLineBreaks(MailCharsets.decode(body(part), part.charset, hint));
        Uuencoded.Extracted extracted = Uuencoded.extract(text);
        for (Uuencoded.File file : extracted.files()) {
            attachments.add(new PendingAttachment(file.bytes(), filename(file.name()), guessType(file.name(), file.bytes()), false, null));
        }
        texts.add(extracted.text());
    }

    /** HTML without a declared charset names its own in a meta tag more often than not. */
    private String decodeHtml(MimePart part) {
        byte[] bytes = body(part);
        String charset = part.charset;
        if (charset == null) {
            Matcher meta = META_CHARSET.matcher(new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1));
            if (meta.find()) {
                charset = meta.group(1);
            }
        }
        return MailCharsets.decode(bytes, charset, hint);
    }

    private void attach(MimePart part, boolean related) {
        byte[] bytes = body(part);
        String name = part.filename;
        String mimeType = contentType(part.mimeType);
        if (Uuencoded.isTransferEncoding(part.transferEncoding)) {
            byte[] decoded = Uuencoded.decode(bytes);
            if (decoded != null) {
                if (name == null) {
                    name = Uuencoded.name(bytes);
                }
                bytes = decoded;
                if (mimeType.equals("application/octet-stream") || mimeType.equals("text/plain")) {
                    mimeType = guessType(name, bytes);
                }
            }
        }
        boolean inline = !part.isAttachmentDisposition()
                && ("inline".equals(part.disposition) || part.contentId != null || related);
        attachments.add(new PendingAttachment(bytes, filename(name), mimeType, inline, part.contentId));
        if (TnefFiles.isTnef(mimeType, name)) {
            // Outlook's winmail.dat: the files inside follow the original, which stays for whoever can read it
            for (TnefFiles.File file : TnefFiles.unpack(bytes)) {
                String inner = filename(file.name());
                attachments.add(new PendingAttachment(file.bytes(), inner, guessType(inner, file.bytes()), false, null));
            }
        }
    }

    /**
     * Keeps the embedded message as a file and, when {@code showText}, its text (read on its own) after a heading
     * naming it, and its attachments with the others.
     */
    private void embeddedMessage(MimePart part, int depth, boolean showText) {
        byte[] bytes = body(part);
        MimePart message = null;
        if (depth + 1 <= limits.maxNestingDepth()) {
            try {
                message = reader.read(bytes, depth + 1);
            } catch (EmailRejectedException e) {
                if (e.reason().equals("too-many-parts") || e.reason().equals("nesting-too-deep")) {
                    throw e;
                }
                // an embedded message that cannot be read is still kept, as a file, below
            }
        }
        HeaderValues headers = message == null ? null : new HeaderValues(message, message.charsetHint());
        String subject = headers == null ? null : headers.text("Subject");
        String name = filename(part.filename != null ? part.filename : (subject == null ? "forwarded-message" : subject));
        if (name == null) {
            name = "forwarded-message";
        }
        if (!name.toLowerCase(Locale.ROOT).endsWith(".eml")) {
            // the back office opens a forwarded message by its extension, whatever name the sender's client gave it
            name = name.length() > MAX_FILENAME - 4 ? name.substring(name.length() - (MAX_FILENAME - 4)) + ".eml" : name + ".eml";
        }
        attachments.add(new PendingAttachment(bytes, name, "message/rfc822", "inline".equals(part.disposition),
                part.contentId));
        if (message == null || !showText) {
            return;
        }
        BodyCollector embedded = new BodyCollector(reader, limits, message.charsetHint(), attachments, partsSeen);
        embedded.collectMessage(message, depth + 1);
        String text = embedded.text();
        if (text.isEmpty() && message.fields.isEmpty()) {
            return;
        }
        StringBuilder heading = new StringBuilder("---------- Forwarded message ----------\n");
        appendHeading(heading, "From", headers.text("From"));
        appendHeading(heading, "Date", headers.text("Date"));
        appendHeading(heading, "Subject", subject);
        appendHeading(heading, "To", headers.text("To"));
        appendHeading(heading, "Cc", headers.text("Cc"));
        texts.add(heading + "\n" + text);
    }

    private static void appendHeading(StringBuilder heading, String name, String value) {
        if (value != null) {
            heading.append(name).append(": ").append(value).append('\n');
        }
    }

    /** uuencoded files come without a media type: the name's extension tells it, else the first bytes, as far as the JDK knows. */
    private static String guessType(String name, byte[] bytes) {
        String guessed = name == null ? null : URLConnection.guessContentTypeFromName(name);
        if (guessed == null) {
            try {
                guessed = URLConnection.guessContentTypeFromStream(new ByteArrayInputStream(bytes));
            } catch (IOException e) {
                guessed = null;
            }
        }
        return contentType(guessed);
    }

    private static byte[] body(MimePart part) {
        return part.body == null ? new byte[0] : part.body;
    }

    private static String contentType(String mimeType) {
        return mimeType != null && MEDIA_TYPE.matcher(mimeType).matches() ? mimeType : "application/octet-stream";
    }

    /** A file name that is only a name: decoded, no path, no control characters, at most 255 characters. */
    private String filename(String value) {
        if (value == null) {
            return null;
        }
        String name = EncodedWords.decode(value, hint).strip();
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
                .replaceAll("\\p{Cntrl}", "_").strip();
        if (name.isEmpty()) {
            return null;
        }
        if (name.length() > MAX_FILENAME) {
            // keep the end, where the extension is
            int cut = name.length() - MAX_FILENAME;
            if (Character.isLowSurrogate(name.charAt(cut))) {
                cut++;
            }
            name = name.substring(cut);
        }
        return name;
    }

    /** CRLF and lone CR become LF; NUL and other control characters except tab and LF are dropped. */
    static String normaliseLineBreaks(String text) {
        StringBuilder out = null;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 && c != '\t' && c != '\n' || c == 0x7F;
            if (control && out == null) {
                out = new StringBuilder(length);
                out.append(text, 0, i);
            }
            if (out == null) {
                continue;
            }
            if (c == '\r') {
                out.append('\n');
                if (i + 1 < length && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (!control) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
