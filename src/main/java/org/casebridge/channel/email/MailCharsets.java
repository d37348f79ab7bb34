package org.casebridge.channel.email;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the charset names real mailers write into JVM charsets and decodes bytes with them, never throwing:
 * an unknown or missing charset falls back to UTF-8 when the bytes are valid UTF-8, else to windows-1252.
 */
final class MailCharsets {

    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /**
     * UTF-7, taken from jutf7's provider directly: the JVM only finds charset providers on the system class path,
     * which a Spring Boot jar's nested libraries are not on.
     */
    static final Charset UTF_7 = new com.beetstra.jutf7.CharsetProvider().charsetForName("UTF-7");

    /**
     * Labels mail clients use for charsets the JVM names differently or decodes too narrowly. Where a vendor
     * superset is what senders really produce (Outlook's "ks_c_5601-1987" is CP949, "gb2312" mail routinely
     * holds GBK characters, Japanese mail uses the Microsoft extensions), the superset decodes everything the
     * narrow charset would and more.
     */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("ks_c_5601-1987", "x-windows-949"),
            Map.entry("ks_c_5601", "x-windows-949"),
            Map.entry("ksc5601", "x-windows-949"),
            Map.entry("ksc_5601", "x-windows-949"),
            Map.entry("euc-kr", "x-windows-949"),
            Map.entry("gb2312", "GBK"),
            Map.entry("gb_2312-80", "GBK"),
            Map.entry("csgb2312", "GBK"),
            Map.entry("x-gbk", "GBK"),
            Map.entry("big5", "x-windows-950"),
            Map.entry("x-big5", "x-windows-950"),
            Map.entry("shift_jis", "windows-31j"),
            Map.entry("shift-jis", "windows-31j"),
            Map.entry("x-sjis", "windows-31j"),
            Map.entry("sjis", "windows-31j"),
            Map.entry("iso-2022-jp", "x-windows-50220"),
            Map.entry("csiso2022jp", "x-windows-50220"),
            Map.entry("iso-8859-1", "windows-1252"),
            Map.entry("iso8859-1", "windows-1252"),
            Map.entry("iso_8859-1", "windows-1252"),
            Map.entry("latin1", "windows-1252"),
            Map.entry("iso-8859-8-i", "ISO-8859-8"),
            Map.entry("iso-8859-6-i", "ISO-8859-6"),
            Map.entry("iso-8859-11", "x-iso-8859-11"),
            Map.entry("windows-874", "x-windows-874"),
            Map.entry("macintosh", "x-MacRoman"),
            Map.entry("mac", "x-MacRoman"),
            Map.entry("utf8", "UTF-8"),
            Map.entry("unicode-1-1-utf-8", "UTF-8"));

    private static final Map<String, String> UTF_7_LABELS = Map.of(
            "utf-7", "", "utf7", "", "x-utf-7", "", "unicode-1-1-utf-7", "", "csunicode11utf7", "");

    /** Resolved labels, misses included, so a mailbox full of one odd label costs one lookup; bounded against junk labels. */
    private static final Map<String, Optional<Charset>> CACHE = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 512;

    private MailCharsets() {
    }

    /** The JVM charset for a MIME charset label, or {@code null} when it is unknown. */
    static Charset lookup(String label) {
        String key = clean(label);
        if (key == null) {
            return null;
        }
        Optional<Charset> cached = CACHE.get(key);
        if (cached != null) {
            return cached.orElse(null);
        }
        Charset found = resolve(key);
        if (CACHE.size() < MAX_CACHED) {
            CACHE.put(key, Optional.ofNullable(found));
        }
        return found;
    }

    private static Charset resolve(String key) {
        if (UTF_7_LABELS.containsKey(key)) {
            return UTF_7;
        }
        String name = ALIASES.getOrDefault(key, key);
        try {
            return Charset.isSupported(name) ? Charset.forName(name) : null;
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    /** Lower-case label without quotes, surrounding blanks or trailing junk such as {@code utf-8;}. */
    private static String clean(String label) {
        if (label == null) {
            return null;
        }
        String value = label.strip();
        if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
            value = value.substring(1);
        }
        int end = 0;
        while (end < value.length()) {
            char c = value.charAt(end);
            if (c == '"' || c == '\'' || c == ';' || c == ',' || Character.isWhitespace(c)) {
                break;
            }
            end++;
        }
        value = value.substring(0, end).toLowerCase(Locale.ROOT);
        return value.isEmpty() || value.length() > 64 ? null : value;
    }

    /**
     * Decodes a text body or header declared in {@code label} (may be null). US-ASCII, or no declaration, with
     * 8-bit bytes is a mislabel: such bytes are read as UTF-8 when valid, else as windows-1252.
     */
    static String decode(byte[] bytes, String label) {
        return decode(bytes, label, null);
    }

    /** As {@link #decode(byte[], String)}, with the charset to try for 8-bit bytes when the label does not help. */
    static String decode(byte[] bytes, String label, Charset hint) {
        Charset charset = lookup(label);
        if (charset == null || charset.equals(StandardCharsets.US_ASCII)) {
            return decodeUndeclared(bytes, hint);
        }
        if (charset.equals(StandardCharsets.UTF_8)) {
            return stripBom(new String(bytes, StandardCharsets.UTF_8));
        }
        return decodeWith(bytes, charset);
    }

    private static String decodeWith(byte[] bytes, Charset charset) {
        return isJdkCharset(charset) ? new String(bytes, charset) : decodeCarefully(bytes, charset);
    }

    /** The JDK's own decoders replace what they cannot read; others (jutf7 among them) are not trusted to. */
    private static boolean isJdkCharset(Charset charset) {
        Module module = charset.getClass().getModule();
        return module.isNamed() && (module.getName().startsWith("java.") || module.getName().startsWith("jdk."));
    }

    /**
     * jutf7's decoder reports some broken base64 runs even when asked to replace them, which {@code new String}
     * turns into a {@code java.lang.Error}: such decoders are driven directly here, and text they cannot decode is
     * shown as sent.
     */
    private static String decodeCarefully(byte[] bytes, Charset charset) {
        try {
            String text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return withoutLoneSurrogates(text);
        } catch (CharacterCodingException | RuntimeException e) {
            return new String(bytes, WINDOWS_1252);
        }
    }

    /**
     * UTF-7's base64 runs carry raw UTF-16 units, so a broken run can leave half a surrogate pair, which no UTF-8
     * consumer (broker, database) could store: it becomes U+FFFD like any other undecodable input.
     */
    static String withoutLoneSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            boolean lone = Character.isSurrogate(c);
            if (lone && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(lone ? '\uFFFD' : c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * Bytes without a usable charset: plain ASCII as is, ISO-2022-JP when it carries that charset's escape
     * sequences, UTF-8 when valid, else {@code hint} (the message's own charset) or windows-1252.
     */
    static String decodeUndeclared(byte[] bytes, Charset hint) {
        if (isAscii(bytes)) {
            if (hasIso2022Escape(bytes)) {
                return new String(bytes, lookup("iso-2022-jp"));
            }
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        String utf8 = strictUtf8(bytes);
        if (utf8 != null) {
            return stripBom(utf8);
        }
        return hint != null ? decodeWith(bytes, hint) : new String(bytes, WINDOWS_1252);
    }

    static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** ESC $ B / ESC $ @ / ESC ( J: the JIS X 0208 and JIS-Roman shifts of ISO-2022-JP. */
    private static boolean hasIso2022Escape(byte[] bytes) {
        for (int i = 0; i + 2 < bytes.length; i++) {
            if (bytes[i] == 0x1B && (bytes[i + 1] == '$' || bytes[i + 1] == '(')) {
                return true;
            }
        }
        return false;
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String stripBom(String text) {
        return !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    }
}
