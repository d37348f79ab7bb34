package org.casebridge.shared;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.Locale;
import java.util.Optional;

/** The one check of an email address a customer typed (web form, web chat): strict RFC 822, no display name. */
public final class EmailAddresses {

    private EmailAddresses() {
    }

    /** {@code value} as a plain address with its domain in lower case, or empty when it is not one (or over 320 characters). */
    public static Optional<String> plain(String value) {
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            String text = address.getAddress();
            if (address.getPersonal() != null || !text.contains("@") || text.length() > 320) {
                return Optional.empty();
            }
            int at = text.lastIndexOf('@');
            return Optional.of(text.substring(0, at) + "@" + text.substring(at + 1).toLowerCase(Locale.ROOT));
        } catch (AddressException e) {
            return Optional.empty();
        }
    }
}
