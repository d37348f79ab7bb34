package org.casebridge.channel.email;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds uuencoded files in text bodies ({@code begin 644 name} … {@code end}), as old mailers and some gateways
 * still send them, and decodes them, and whole parts sent with {@code Content-Transfer-Encoding: x-uuencode}, with
 * Jakarta Mail's uudecoder.
 */
final class Uuencoded {

    private static final Pattern BEGIN = Pattern.compile("(?m)^begin [0-7]{3,4}(?: ([^\\r\\n]{0,255}))?\\r?$");
    private static final Pattern END = Pattern.compile("(?m)^end\\s*$");
    /** A uuencoded line: a length character, then characters from the uuencode alphabet (space to backquote). */
    private static final Pattern DATA_LINE = Pattern.compile("[\\x20-\\x60]{1,100}");

    /** A decoded file; its name is null when the begin line gave none. */
    record File(String name, byte[] bytes) {
    }

    /** The text with the uuencoded blocks taken out, and the files they held. */
    record Extracted(String text, List<File> files) {
    }

    private Uuencoded() {
    }

    static boolean isTransferEncoding(String encoding) {
        return encoding != null && (encoding.equals("x-uuencode") || encoding.equals("uuencode")
                || encoding.equals("x-uue") || encoding.equals("uue"));
    }

    /** Takes every well-formed uuencoded block out of {@code text}; malformed ones stay as text. */
    static Extracted extract(String text) {
        if (!text.contains("begin ")) {
            return new Extracted(text, List.of());
        }
        List<File> files = new ArrayList<>();
        StringBuilder rest = new StringBuilder(text.length());
        Matcher begin = BEGIN.matcher(text);
        Matcher end = END.matcher(text);
        int copied = 0;
        int from = 0;
        while (begin.find(from)) {
            if (!end.find(begin.end())) {
                break;
            }
            // Jakarta Mail's decoder wants a name on the begin line; the name itself is taken from the match
            String block = "begin 644 file\n" + text.substring(begin.end(), end.end()).stripLeading();
            from = end.end();
            if (!isUuData(text.substring(begin.end(), end.start()))) {
                continue;
            }
            byte[] bytes = decode(block.getBytes(StandardCharsets.ISO_8859_1));
            if (bytes == null) {
                continue;
            }
            files.add(new File(begin.group(1) == null || begin.group(1).isBlank() ? null : begin.group(1).strip(), bytes));
            rest.append(text, copied, begin.start());
            copied = end.end();
        }
        if (files.isEmpty()) {
            return new Extracted(text, List.of());
        }
        rest.append(text, copied, text.length());
        return new Extracted(rest.toString(), List.copyOf(files));
    }

    private static boolean isUuData(String lines) {
        for (String line : lines.split("\r?\n")) {
            String data = line.stripTrailing();
            if (!data.isEmpty() && !DATA_LINE.matcher(data).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The decoded bytes of a uuencoded stream (its {@code begin} line included), or null when it is not one. */
    static byte[] decode(byte[] encoded) {
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(encoded), "uuencode")) {
            return in.readAllBytes();
        } catch (IOException | MessagingException | RuntimeException e) {
            return null;
        }
    }

    /** The file name on a uuencoded stream's {@code begin} line, or null. */
    static String name(byte[] encoded) {
        Matcher matcher = BEGIN.matcher(new String(encoded, 0, Math.min(encoded.length, 64 * 1024), StandardCharsets.ISO_8859_1));
        return matcher.find() && matcher.group(1) != null && !matcher.group(1).isBlank() ? matcher.group(1).strip() : null;
    }
}
