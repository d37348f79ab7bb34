package org.casebridge.channel.meta;

/** Forged signatures for the tests: a valid-looking header that is wrong in one digit. */
public final class WebhookSignaturesForTests {

    private WebhookSignaturesForTests() {
    }

    /** {@code signature} with its last hex digit changed. */
    public static String flipLastHexDigit(String signature) {
        char last = signature.charAt(signature.length() - 1);
        return signature.substring(0, signature.length() - 1) + (last == '0' ? '1' : '0');
    }
}
