package org.casebridge.channel.email;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Charset labels as mailers write them, and decoding that never throws. */
class MailCharsetsTests {

    @Test
    void mapsMailerLabelsToJvmCharsets() {
        assertThat(MailCharsets.lookup("ks_c_5601-1987")).isEqualTo(Charset.forName("x-windows-949"));
        assertThat(MailCharsets.lookup("\"GB2312\"")).isEqualTo(Charset.forName("GBK"));
        assertThat(MailCharsets.lookup("Shift_JIS")).isEqualTo(Charset.forName("windows-31j"));
        assertThat(MailCharsets.lookup("iso-2022-jp")).isEqualTo(Charset.forName("x-windows-50220"));
        assertThat(MailCharsets.lookup(" utf-8; format=flowed")).isEqualTo(StandardCharsets.UTF_8);
        assertThat(MailCharsets.lookup("unicode-1-1-utf-7")).isSameAs(MailCharsets.UTF_7);
        assertThat(MailCharsets.lookup("KOI8-R")).isEqualTo(Charset.forName("KOI8-R"));
        assertThat(MailCharsets.lookup("x-unknown")).isNull();
        assertThat(MailCharsets.lookup("")).isNull();
        assertThat(MailCharsets.lookup(null)).isNull();
        assertThat(MailCharsets.lookup("illegal name with spaces/and?marks")).isNull();
    }

    @Test
    void neverThrowsOnJunkLabelsOrBytes() {
        byte[] junk = {(byte) 0xFF, (byte) 0xFE, 0x00, (byte) 0x81, 'a'};
        for (String label : new String[]{null, "", "???", "x-unknown", "utf-8", "us-ascii", "UTF-7", "iso-2022-jp", "=?"}) {
            assertThat(MailCharsets.decode(junk, label)).isNotNull();
        }
    }

    @Test
    void decodesBrokenUtf7WithoutHalfSurrogatesOrErrors() {
        // half a surrogate pair becomes U+FFFD; a run jutf7 refuses (new String would throw java.lang.Error) stays as sent
        assertThat(MailCharsets.decode("a+2D0-b".getBytes(StandardCharsets.US_ASCII), "utf-7")).isEqualTo("a\uFFFDb");
        assertThat(MailCharsets.decode("a+2D3-b".getBytes(StandardCharsets.US_ASCII), "utf-7")).isEqualTo("a+2D3-b");
        assertThat(MailCharsets.decode("+2D3eAA-".getBytes(StandardCharsets.US_ASCII), "utf-7")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void decodesEncodedWordsWithoutThrowing() {
        assertThat(EncodedWords.decode("=?utf-8?B?###?= =?x?Q?=ZZ?= =?utf-8?Q?ok?=", null)).endsWith("ok");
        assertThat(EncodedWords.decode("no words here", null)).isEqualTo("no words here");
        String korean = Base64.getEncoder().encodeToString("난방".getBytes(Charset.forName("x-windows-949")));
        assertThat(EncodedWords.decode("=?ks_c_5601-1987?B?" + korean + "?=", null)).isEqualTo("난방");
    }
}
