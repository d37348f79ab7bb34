package org.casebridge.channel.email;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes RFC 2047 encoded words ({@code =?charset?B|Q?text?=}) in header text, including the broken forms real
 * mailers send: unknown charsets, RFC 2231 language suffixes, words glued to text, spaces or bad padding inside,
 * and multi-byte characters split across two words.
 * <p>
 * mime4j has a decoder, but it looks charsets up with {@code Charset.forName} only, so it leaves UTF-7 and labels
 * such as {@code ks_c_5601-1987} undecoded and has no fallback for unknown ones; this one uses {@link MailCharsets}.
 */
final class EncodedWords {

    /** Charset up to 64 characters (junk beyond is no word); the text may hold spaces, which lenient decoders accept. */
    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]{1,64})\\?([bBqQ])\\?([^?]*)\\?=");

    private EncodedWords() {
    }

    /** {@code text} with every encoded word decoded; {@code hint} is tried for unknown charsets before windows-1252. */
    static String decode(String text, Charset hint) {
        if (text == null || !text.contains("=?")) {
            return text;
        }
        Matcher matcher = WORD.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        String pendingCharset = null;
        int last = 0;
        while (matcher.find()) {
            String gap = text.substring(last, matcher.start());
            // RFC 2047: white space between two adjacent encoded words is not displayed
            if (pendingCharset == null || !gap.isBlank()) {
                flush(pending, pendingCharset, hint, out);
                pendingCharset = null;
                out.append(gap);
            }
            String charset = matcher.group(1);
            int star = charset.indexOf('*');
            if (star >= 0) {
                charset = charset.substring(0, star);
            }
            if (pendingCharset != null && !pendingCharset.equalsIgnoreCase(charset)) {
                flush(pending, pendingCharset, hint, out);
            }
            byte[] bytes = matcher.group(2).equalsIgnoreCase("B") ? decodeB(matcher.group(3)) : decodeQ(matcher.group(3));
            // bytes of one charset are joined before decoding: senders split multi-byte characters across words
            pending.writeBytes(bytes);
            pendingCharset = charset;
            last = matcher.end();
        }
        flush(pending, pendingCharset, hint, out);
        out.append(text, last, text.length());
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream pending, String charset, Charset hint, StringBuilder out) {
        if (pending.size() > 0) {
            out.append(MailCharsets.decode(pending.toByteArray(), charset, hint));
            pending.reset();
        }
    }

    /** Base64 that ignores stray characters and missing or extra padding. */
    static byte[] decodeB(String text) {
        StringBuilder clean = new StringBuilder(text.length() + 3);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                clean.append(c);
            }
        }
        if (clean.length() % 4 == 1) {
            clean.setLength(clean.length() - 1);
        }
        while (clean.length() % 4 != 0) {
            clean.append('=');
        }
        return Base64.getDecoder().decode(clean.toString());
    }

    /** The Q encoding: {@code _} is a space, {@code =XX} a byte; anything else stands for itself. */
    static byte[] decodeQ(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                out.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                // raw non-ASCII inside a word (RFC 6532 senders): keep the character
                int codePoint = text.codePointAt(i);
                out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
        }
        return out.toByteArray();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
