package org.casebridge.channel.email;

import com.networknt.schema.format.EmailFormat;
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
import java.util.Locale;
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
    private static final int MAX_EMAIL = 320;

    /** The schema's own email check, so an address we keep can never fail the case's validation. */
    private static final EmailFormat EMAIL_FORMAT = new EmailFormat();

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
            for (Mailbox mailbox : parseAddressList(value).flatten()) {
                String address = mailbox.getAddress();
                if (address == null || address.isBlank()) {
                    continue;
                }
                result.add(new EmailAddress(display(mailbox.getName()), CONTROL.matcher(address).replaceAll("").strip()));
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
     * {@code address} in the form the Case schema accepts (domain in lower case), or null when it is not an address
     * the schema's email format would accept.
     */
    static String validEmail(String address) {
        if (address == null || address.length() > MAX_EMAIL) {
            return null;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return null;
        }
        String normalised = address.substring(0, at) + "@" + address.substring(at + 1).toLowerCase(Locale.ROOT);
        return EMAIL_FORMAT.matches(null, normalised) ? normalised : null;
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
