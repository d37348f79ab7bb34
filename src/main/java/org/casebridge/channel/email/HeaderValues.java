package org.casebridge.channel.email;

import jakarta.mail.internet.MailDateFormat;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.ByteSequence;
import org.casebridge.cases.EmailAddress;
import org.casebridge.shared.EmailAddresses;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.ParsePosition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one message's header fields as people mean them: raw bytes to characters (RFC 6532 UTF-8, or the
 * message's own charset for legacy 8-bit headers), unfolded, encoded words decoded; addresses, message ids and
 * the date parsed leniently, never throwing.
 */
final class HeaderValues {

    private static final Pattern ANGLE_ID = Pattern.compile("<([^<>]*)>");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}+");
    /** Earliest and latest instants a Date header may give; outside them it is junk (and unprintable as yyyy). */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    /** An address-shaped word in header text: something on both sides of an @, perhaps in angle brackets. */
    private static final Pattern ADDRESS_SHAPED = Pattern.compile("<?((?:\"[^\"]*\"|[^\\s<>(),;:\"@])+@[^\\s<>(),;:\"@]+)>?");
    /** An RFC 5322 comment, which mailers use as the display name: {@code MAILER-DAEMON (Mail Delivery System)}. */
    private static final Pattern COMMENT = Pattern.compile("\\(([^()]*)\\)");

    private final MimePart part;
    private final Charset hint;

    HeaderValues(MimePart part, Charset hint) {
        this.part = part;
        this.hint = hint;
    }

    boolean has(String name) {
        return part.first(name) != null;
    }

    /** The first field's value as characters, unfolded and stripped, encoded words still encoded; null if absent. */
    String raw(String name) {
        Field field = part.first(name);
        return field == null ? null : value(field);
    }

    /** Every field's value with that name, in order. */
    List<String> rawAll(String name) {
        List<String> values = new ArrayList<>();
        for (Field field : part.fields) {
            if (field.getName().equalsIgnoreCase(name)) {
                values.add(value(field));
            }
        }
        return values;
    }

    /** The first field as display text: encoded words decoded, control characters as spaces; null if absent or blank. */
    String text(String name) {
        return display(raw(name));
    }

    /** Header text decoded for display (encoded words, control characters), null when blank. */
    String display(String value) {
        if (value == null) {
            return null;
        }
        String decoded = CONTROL.matcher(EncodedWords.decode(value, hint)).replaceAll(" ").strip();
        return decoded.isEmpty() ? null : decoded;
    }

    private String value(Field field) {
        ByteSequence raw = field.getRaw();
        String text;
        if (raw == null) {
            text = field.getBody() == null ? "" : field.getBody();
        } else {
            byte[] bytes = raw.toByteArray();
            int colon = 0;
            while (colon < bytes.length && bytes[colon] != ':') {
                colon++;
            }
            text = MailCharsets.decodeUndeclared(Arrays.copyOfRange(bytes, Math.min(colon + 1, bytes.length), bytes.length), hint);
        }
        return text.replace("\r", "").replace("\n", "").strip();
    }

    /** Mailboxes of every field with that name (groups flattened), with decoded display names. */
    List<EmailAddress> addresses(String name) {
        List<EmailAddress> result = new ArrayList<>();
        for (String value : rawAll(name)) {
            if (value.isBlank()) {
                continue;
            }
            List<Mailbox> mailboxes = parseAddressList(value).flatten();
            for (Mailbox mailbox : mailboxes) {
                String address = mailbox.getAddress();
                if (address == null || address.isBlank()) {
                    continue;
                }
                String displayName = display(mailbox.getName());
                if (displayName == null && mailboxes.size() == 1) {
                    Matcher comment = COMMENT.matcher(value);
                    displayName = comment.find() ? display(comment.group(1)) : null;
                }
                result.add(new EmailAddress(displayName, CONTROL.matcher(address).replaceAll("").strip()));
            }
        }
        return result;
    }

    /**
     * mime4j's {@code parseAddressList(CharSequence)} measures the UTF-8 bytes it parses in characters and so cuts
     * the end off any list with non-ASCII text in it; the bytes are handed over with their true length here.
     */
    private static AddressList parseAddressList(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayBuffer buffer = new ByteArrayBuffer(bytes, bytes.length, false);
        return LenientAddressParser.DEFAULT.parseAddressList(buffer, new ParserCursor(0, bytes.length));
    }

    /**
     * {@code address} in the form the Case schema accepts (domain in lower case, no trailing dot), or null when it is
     * not address-shaped ({@link EmailAddresses#mailbox}).
     */
    static String validEmail(String address) {
        return address == null ? null : EmailAddresses.mailbox(CONTROL.matcher(address).replaceAll("")).orElse(null);
    }

    /**
     * The first mailbox of a field that a strict reading missed, found the way a person would: the first
     * address-shaped word ({@code Big Bug bb@bug.com}, {@code a@x b@x}, {@code <user@host.>}) and the rest of the text,
     * without brackets, quotes and comment parentheses, as its name. Null when nothing in it is address-shaped.
     */
    EmailAddress looseMailbox(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        Matcher shaped = ADDRESS_SHAPED.matcher(value);
        while (shaped.find()) {
            String email = validEmail(shaped.group(1));
            if (email != null) {
                String rest = (value.substring(0, shaped.start()) + " " + value.substring(shaped.end()))
                        .replaceAll("[<>\"()]", " ").replaceAll("\\s+", " ").strip();
                return new EmailAddress(rest.isEmpty() ? null : rest, email);
            }
        }
        return null;
    }

    /** The message ids in a field (Message-ID, In-Reply-To, References), without angle brackets, de-duplicated. */
    List<String> messageIds(String name) {
        Set<String> ids = new LinkedHashSet<>();
        for (String value : rawAll(name)) {
            Matcher matcher = ANGLE_ID.matcher(value);
            boolean found = false;
            while (matcher.find()) {
                String id = CONTROL.matcher(matcher.group(1).replaceAll("\\s+", "")).replaceAll("");
                if (!id.isEmpty()) {
                    ids.add(id);
                    found = true;
                }
            }
            if (!found) {
                // mailers that forget the brackets separate ids by blanks or commas
                for (String token : value.split("[\\s,]+")) {
                    if (token.contains("@")) {
                        ids.add(CONTROL.matcher(token).replaceAll(""));
                    }
                }
            }
        }
        return List.copyOf(ids);
    }

    /** The Date header as an instant in millisecond precision, or null when missing or not a plausible date. */
    Instant date() {
        Field field = part.first("Date");
        if (field == null) {
            return null;
        }
        Date date = null;
        if (field instanceof DateTimeField dateField) {
            date = dateField.getDate();
        }
        if (date == null) {
            // mime4j is RFC 5322-strict here; Jakarta Mail's parser also reads the obsolete and sloppy forms
            try {
                date = new MailDateFormat().parse(value(field), new ParsePosition(0));
            } catch (RuntimeException e) {
                return null;
            }
        }
        if (date == null) {
            return null;
        }
        Instant instant = date.toInstant().truncatedTo(ChronoUnit.MILLIS);
        return instant.isBefore(EARLIEST) || instant.isAfter(LATEST) ? null : instant;
    }
}
