package org.casebridge.channel.email;

import org.casebridge.cases.Attachment;
import org.casebridge.cases.Case;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * The parts real mailers send become files the back office can open: Outlook's TNEF unpacked, forwarded messages
 * kept byte for byte as .eml, unnamed parts named from their content type, multipart/related HTML as the body with
 * its inline images as attachments.
 */
class EmailAttachmentPartsTests {

    @TempDir
    Path store;

    @Test
    void unpacksOutlookTnefIntoItsFilesAndKeepsTheOriginal() {
        byte[] report = "Damp survey, flat 3".getBytes(StandardCharsets.US_ASCII);
        byte[] photo = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0};
        byte[] winmail = Tnef.of(new Tnef.File("survey.txt", report), new Tnef.File("mould.jpg", photo));
        EmailFixtures fixtures = new EmailFixtures(store);

        Case value = fixtures.normalise(message("""
                Content-Type: application/ms-tnef; name="winmail.dat"
                Content-Disposition: attachment; filename="winmail.dat"
                Content-Transfer-Encoding: base64
                """, winmail));

        assertThat(value.attachments()).extracting(Attachment::filename, Attachment::contentType, Attachment::inline)
                .containsExactly(tuple("winmail.dat", "application/ms-tnef", false),
                        tuple("survey.txt", "text/plain", false),
                        tuple("mould.jpg", "image/jpeg", false));
        assertThat(fixtures.bytes(value.attachments().get(0))).isEqualTo(winmail);
        assertThat(fixtures.bytes(value.attachments().get(1))).isEqualTo(report);
        assertThat(fixtures.bytes(value.attachments().get(2))).isEqualTo(photo);
    }

    @Test
    void aDamagedTnefIsKeptAsItCame() {
        byte[] winmail = Tnef.of(new Tnef.File("survey.txt", "Damp survey".getBytes(StandardCharsets.US_ASCII)));
        byte[] cut = java.util.Arrays.copyOf(winmail, winmail.length - 9);
        EmailFixtures fixtures = new EmailFixtures(store);

        Case value = fixtures.normalise(message("""
                Content-Type: application/octet-stream; name="winmail.dat"
                Content-Disposition: attachment; filename="winmail.dat"
                Content-Transfer-Encoding: base64
                """, cut));

        assertThat(value.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.filename()).isEqualTo("winmail.dat");
            assertThat(fixtures.bytes(attachment)).isEqualTo(cut);
        });
    }

    @Test
    void namesUnnamedPartsFromTheirContentType() {
        EmailFixtures fixtures = new EmailFixtures(store);
        Case value = fixtures.normalise("""
                From: Tenant <tenant@example.org>
                To: support@housing.example
                Subject: photos
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b"
                
                --b
                Content-Type: text/plain
                
                Two photos and the letter.
                --b
                Content-Type: image/jpeg
                Content-Transfer-Encoding: base64
                
                /9j/4AAQSkZJRg==
                --b
                Content-Type: image/png
                Content-Disposition: attachment
                Content-Transfer-Encoding: base64
                
                iVBORw0KGgo=
                --b
                Content-Type: application/x-unheard-of
                Content-Disposition: attachment; filename="letter.xyz"
                
                letter
                --b
                Content-Type: application/x-unheard-of
                
                data
                --b--
                """);
        assertThat(value.attachments()).extracting(Attachment::filename)
                .containsExactly("attachment-1.jpg", "attachment-2.png", "letter.xyz", "attachment-3.bin");
    }

    @Test
    void keepsAForwardedMessageByteForByteAsEml() {
        String forwarded = "From: Tenant <tenant@example.org>\r\nSubject: Damp in flat 3\r\n"
                + "Content-Type: text/plain; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Caf\u00e9 downstairs leaks.  \r\nTrailing spaces stay.\r\n";
        byte[] inner = forwarded.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(("From: Officer <officer@housing.example>\r\nTo: support@housing.example\r\nSubject: Fwd: damp\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                + "Content-Type: text/plain\r\n\r\nSee below.\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        raw.writeBytes(inner);
        raw.writeBytes("\r\n--b--\r\n".getBytes(StandardCharsets.ISO_8859_1));
        EmailFixtures fixtures = new EmailFixtures(store);

        Case value = fixtures.normalise(raw.toByteArray());

        assertThat(value.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.filename()).isEqualTo("Damp in flat 3.eml");
            assertThat(attachment.contentType()).isEqualTo("message/rfc822");
            assertThat(fixtures.bytes(attachment)).isEqualTo(inner);
        });
        assertThat(value.body().text()).contains("See below.", "Café downstairs leaks.");
    }

    @Test
    void relatedHtmlIsTheBodyAndItsInlineImagesAreAttachments() {
        EmailFixtures fixtures = new EmailFixtures(store);
        Case value = fixtures.normalise("""
                From: Tenant <tenant@example.org>
                To: support@housing.example
                Subject: leak
                MIME-Version: 1.0
                Content-Type: multipart/related; boundary="r"; type="text/html"
                
                --r
                Content-Type: text/html; charset=utf-8
                
                <html><body><p>The ceiling is leaking:</p><img src="cid:leak@phone"><p>Flat&nbsp;3</p></body></html>
                --r
                Content-Type: image/jpeg
                Content-ID: <leak@phone>
                Content-Transfer-Encoding: base64
                
                /9j/4AAQSkZJRg==
                --r--
                """);
        assertThat(value.body().text()).contains("The ceiling is leaking:", "Flat 3").doesNotContain("<p>", "cid:");
        assertThat(value.body().html()).contains("The ceiling is leaking:");
        assertThat(value.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.filename()).isEqualTo("attachment-1.jpg");
            assertThat(attachment.inline()).isTrue();
            assertThat(attachment.contentId()).isEqualTo("leak@phone");
        });
    }

    private static String message(String partHeaders, byte[] content) {
        return """
                From: Tenant <tenant@example.org>
                To: support@housing.example
                Subject: survey
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b"
                
                --b
                Content-Type: text/plain
                
                See the attached survey.
                --b
                """ + partHeaders + "\n" + Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(content) + "\n--b--\n";
    }

    /**
     * Writes a minimal TNEF container (MS-OXTNEF 2.1: signature, key, then attributes of level, id, type, length,
     * data and a 16-bit checksum of the data) holding files the way Outlook does: attAttachRenddata starts each,
     * attAttachTitle names it, attAttachData holds its bytes.
     */
    static final class Tnef {
        record File(String name, byte[] bytes) {
        }

        private static final int SIGNATURE = 0x223E9F78;
        private static final int LEVEL_MESSAGE = 1;
        private static final int LEVEL_ATTACHMENT = 2;
        private static final int TYPE_BYTE = 0x0006;
        private static final int TYPE_STRING = 0x0001;
        private static final int TYPE_DWORD = 0x0008;

        static byte[] of(File... files) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int32(out, SIGNATURE);
            int16(out, 0x0001);
            // attTnefVersion, as every container starts
            attribute(out, LEVEL_MESSAGE, 0x9006, TYPE_DWORD, new byte[]{0, 0, 1, 0});
            for (File file : files) {
                attribute(out, LEVEL_ATTACHMENT, 0x9002, TYPE_BYTE, new byte[14]);
                byte[] title = (file.name() + "\0").getBytes(StandardCharsets.US_ASCII);
                attribute(out, LEVEL_ATTACHMENT, 0x8010, TYPE_STRING, title);
                attribute(out, LEVEL_ATTACHMENT, 0x800F, TYPE_BYTE, file.bytes());
            }
            return out.toByteArray();
        }

        private static void attribute(ByteArrayOutputStream out, int level, int id, int type, byte[] data) {
            out.write(level);
            int16(out, id);
            int16(out, type);
            int32(out, data.length);
            out.writeBytes(data);
            int sum = 0;
            for (byte b : data) {
                sum += b & 0xFF;
            }
            int16(out, sum & 0xFFFF);
        }

        private static void int16(ByteArrayOutputStream out, int value) {
            out.write(value & 0xFF);
            out.write((value >>> 8) & 0xFF);
        }

        private static void int32(ByteArrayOutputStream out, int value) {
            int16(out, value & 0xFFFF);
            int16(out, value >>> 16);
        }
    }
}
