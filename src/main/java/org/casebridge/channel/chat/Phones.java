package org.casebridge.channel.chat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/** Phone numbers into E.164 with libphonenumber, as the Case stores them; platforms send them in many forms. */
public final class Phones {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private Phones() {
    }

    /**
     * {@code raw} in E.164 ({@code +447700900123}), or null when it is not a possible phone number. Numbers without
     * a {@code +} are read as international when they start with a country code the way WhatsApp sends them
     * ({@code 447700900123}), else as national numbers of {@code defaultRegion}.
     */
    public static String toE164(String raw, String defaultRegion) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.strip();
        if (value.regionMatches(true, 0, "whatsapp:", 0, 9)) {
            value = value.substring(9);
        }
        String digits = value.replaceAll("[\\s().-]", "");
        Phonenumber.PhoneNumber number = parse(digits.startsWith("+") ? digits : "+" + digits, null);
        if (number == null || !UTIL.isPossibleNumber(number) || !digits.matches("\\+?[1-9][0-9]{6,14}") || digits.startsWith("0")) {
            number = parse(digits, defaultRegion);
        }
        if (number == null || !UTIL.isPossibleNumber(number)) {
            return null;
        }
        return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    }

    private static Phonenumber.PhoneNumber parse(String value, String region) {
        try {
            return UTIL.parse(value, region);
        } catch (NumberParseException e) {
            return null;
        }
    }
}
