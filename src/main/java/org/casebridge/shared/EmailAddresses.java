package org.casebridge.shared;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks of an email address: {@link #plain} for one a customer typed (web form, web chat: strict RFC 822, no
 * display name), {@link #mailbox} for one a mail header carried (syntax only, as real mail writes them).
 */
public final class EmailAddresses {

    private static final int MAX_EMAIL = 320;
    /**
     * RFC 5322 addr-spec read tolerantly: a dot-atom (RFC 6532 UTF-8 allowed, doubled dots too: Japanese carriers
     * write them) or a quoted local part; a domain of labels or a literal. No public suffix is required: the JSON
     * Schema {@code email} format means RFC 5321's Mailbox, and {@code user@members.local} is one.
     */
    private static final Pattern ADDR_SPEC = Pattern.compile(
            "(?:[^\\s\"(),:;<>@\\[\\]\\\\]+|\"(?:[^\"\\\\\\r\\n]|\\\\.)*\")"
                    + "@(?:[^\\s\"(),:;<>@\\[\\]\\\\.]+(?:\\.[^\\s\"(),:;<>@\\[\\]\\\\.]+)*|\\[[^\\[\\]\\s\\\\]*\\])");

    private EmailAddresses() {
    }

    /** {@code value} as a plain address with its domain in lower case, or empty when it is not one (or over 320 characters). */
    public static Optional<String> plain(String value) {
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            String text = address.getAddress();
            if (address.getPersonal() != null || !text.contains("@") || text.length() > MAX_EMAIL) {
                return Optional.empty();
            }
            int at = text.lastIndexOf('@');
            return Optional.of(text.substring(0, at) + "@" + text.substring(at + 1).toLowerCase(Locale.ROOT));
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    /**
     * An address a mail header gave, in the form a case keeps: the domain in lower case and without a trailing dot
     * (the DNS root, {@code user@example.org.}); empty when it is not address-shaped or over 320 characters.
     */
    public static Optional<String> mailbox(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.strip();
        while (text.endsWith(".") && text.lastIndexOf('@') < text.length() - 2) {
            text = text.substring(0, text.length() - 1);
        }
        int at = text.lastIndexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        text = text.substring(0, at) + "@" + text.substring(at + 1).toLowerCase(Locale.ROOT);
        return isMailbox(text) ? Optional.of(text) : Optional.empty();
    }

    /** Whether {@code value} is exactly an address in the form {@link #mailbox} gives (the schema's email format). */
    public static boolean isMailbox(String value) {
        return value != null && value.length() <= MAX_EMAIL && ADDR_SPEC.matcher(value).matches();
    }
}
