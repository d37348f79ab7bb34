package org.casebridge.cases;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Makes case ids a customer can read out on the phone ({@code CB-7K3M9Q}) and message ids.
 * <p>
 * The alphabet leaves out 0/O, 1/I/L and U so that a quoted id survives handwriting and speech;
 * thirty symbols and six characters give 30^6 (729 million) ids. Uniqueness is enforced by the database's
 * primary key, and the caller draws again on the rare collision.
 */
public final class CaseIds {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int LENGTH = 6;
    private static final Pattern CASE_ID = Pattern.compile("CB-[" + ALPHABET + "]{" + LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private CaseIds() {
    }

    /** A fresh random case id. */
    public static String newCaseId() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return "CB-" + new String(id);
    }

    /** A fresh message id, unique across all cases. */
    public static String newMessageId() {
        return "msg-" + UUID.randomUUID();
    }

    /** Whether {@code value} has the shape of a case id (case-insensitive, as customers type it). */
    public static boolean isCaseId(String value) {
        return value != null && CASE_ID.matcher(value.toUpperCase(java.util.Locale.ROOT)).matches();
    }
}
