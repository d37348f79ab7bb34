package org.casebridge.ops;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data in text bound for logs and dead-letter headers: e-mail addresses keep their first character
 * and domain ({@code t***@example.org}), phone numbers their country code and last three digits
 * ({@code +44*******456}). Enough to tell messages apart when reading a log, not enough to contact anyone.
 */
public final class PersonalData {

    private static final Pattern EMAIL = Pattern.compile("([\\p{L}\\p{N}_%+-])[\\p{L}\\p{N}._%+-]*@((?:[\\p{L}\\p{N}-]+\\.)+[\\p{L}]{2,})");
    /** E.164 (+ then 8 to 15 digits, maybe grouped) and UK-style national numbers (0 then 9 or 10 digits). */
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+*])(\\+\\d{2}|0)((?:[ ()-]?\\d){6,13})([ -]?\\d{3})(?![\\w*])");

    private PersonalData() {
    }

    /** {@code text} with every e-mail address and phone number masked; null stays null. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        if (masked.indexOf('@') >= 0) {
            Matcher email = EMAIL.matcher(masked);
            masked = email.replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***@" + m.group(2)));
        }
        Matcher phone = PHONE.matcher(masked);
        StringBuilder out = new StringBuilder();
        while (phone.find()) {
            String middle = phone.group(2).replaceAll("\\d", "*").replaceAll("[ ()-]", "");
            phone.appendReplacement(out, Matcher.quoteReplacement(phone.group(1) + middle + phone.group(3).strip().replace("-", "")));
        }
        phone.appendTail(out);
        return out.toString();
    }
}
