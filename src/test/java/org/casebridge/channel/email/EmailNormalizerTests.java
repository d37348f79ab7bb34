package org.casebridge.channel.email;

import org.casebridge.cases.Attachment;
import org.casebridge.cases.Case;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Direction;
import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.casebridge.cases.ThreadMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** One raw email in, one schema-valid case out: charsets, structure, attachments, headers and limits. */
class EmailNormalizerTests {

    @TempDir
    Path dir;

    private EmailFixtures fixtures() {
        return new EmailFixtures(dir);
    }

    /** Header lines (LF), a blank line and a body in the given bytes, with CRLF line ends as on the wire. */
    private static byte[] mail(String header, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.strip().replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String base64(String text, Charset charset) {
        return Base64.getEncoder().encodeToString(text.getBytes(charset));
    }

    @Test
    void buildsAnInboundEmailCaseFromAPlainMessage() {
        Case value = fixtures().normalise("""
                From: Amira Hassan <amira@Example.ORG>
                To: Repairs <repairs@housing.example>, "Lettings, North" <north@housing.example>
                Cc: neighbour@example.org
                Reply-To: Amira at work <amira.hassan@work.example.com>
                Subject: Leaking tap
                Date: Tue, 24 Nov 2026 10:14:00 +0100
                Message-ID: <CAB123@mail.example.org>
                In-Reply-To: <ack-1@housing.example>
                References: <first@housing.example> <ack-1@housing.example>
                
                The kitchen tap has been leaking since Monday.
                """);

        assertThat(value.channel()).isEqualTo(Channel.EMAIL);
        assertThat(value.direction()).isEqualTo(Direction.INBOUND);
        assertThat(value.kind()).isEqualTo(MessageKind.MESSAGE);
        assertThat(value.caseId()).matches("CB-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}");
        assertThat(value.messageId()).startsWith("msg-");
        assertThat(value.customer().displayName()).isEqualTo("Amira Hassan");
        assertThat(value.customer().email()).isEqualTo("amira@example.org");
        assertThat(value.subject()).isEqualTo("Leaking tap");
        assertThat(value.sentAt()).isEqualTo(Instant.parse("2026-11-24T09:14:00Z"));
        assertThat(value.receivedAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(value.sla().firstResponseDue()).isEqualTo(value.receivedAt().plus(Duration.ofHours(24)));
        assertThat(value.priority()).isEqualTo(Priority.P3);
        assertThat(value.category()).isNull();
        assertThat(value.trust().verified()).isFalse();
        assertThat(value.trust().method()).isEqualTo("none");
        assertThat(value.body().text()).isEqualTo("The kitchen tap has been leaking since Monday.");
        assertThat(value.body().latest()).isEqualTo(value.body().text());
        assertThat(value.body().html()).isNull();
        assertThat(value.attachments()).isEmpty();
        assertThat(value.recipients().to()).containsExactly(new EmailAddress("Repairs", "repairs@housing.example"),
                new EmailAddress("Lettings, North", "north@housing.example"));
        assertThat(value.recipients().cc()).containsExactly(new EmailAddress(null, "neighbour@example.org"));
        assertThat(value.recipients().replyTo()).containsExactly(new EmailAddress("Amira at work", "amira.hassan@work.example.com"));
        assertThat(value.thread().method()).isEqualTo(ThreadMethod.NEW);
        assertThat(value.thread().confidence()).isEqualTo(1.0);
        assertThat(value.thread().inReplyTo()).isEqualTo("ack-1@housing.example");
        assertThat(value.thread().references()).containsExactly("first@housing.example", "ack-1@housing.example");
        assertThat(value.source().system()).isEqualTo(EmailFixtures.MAILBOX);
        assertThat(value.source().externalId()).isEqualTo("CAB123@mail.example.org");
        assertThat(value.source().rawRef()).isEqualTo(EmailFixtures.RAW_REF);
    }

    @Test
    void keepsAnInvalidSenderAsDisplayNameWithoutEmail() {
        Case value = fixtures().normalise("""
                From: Big Bug bb@@bug
                Subject: no date, odd sender
                
                Hello
                """);
        assertThat(value.customer().email()).isNull();
        assertThat(value.customer().displayName()).isEqualTo("Big Bug bb@@bug");
        assertThat(value.sentAt()).isNull();
        assertThat(value.source().externalId()).isNull();
        assertThat(value.thread().inReplyTo()).isNull();
        assertThat(value.thread().references()).isEmpty();
    }

    @Test
    void ignoresAnUnparseableDate() {
        Case value = fixtures().normalise("""
                From: a@example.org
                Date: sometime next week
                
                Hello
                """);
        assertThat(value.sentAt()).isNull();
    }

    @Test
    void decodesIso2022JpBodyAndSubject() {
        Charset jis = Charset.forName("ISO-2022-JP");
        byte[] raw = mail("""
                From: =?ISO-2022-JP?B?%s?= <taro@example.jp>
                Subject: =?ISO-2022-JP?B?%s?=
                Content-Type: text/plain; charset=ISO-2022-JP
                Content-Transfer-Encoding: 7bit
                """.formatted(base64("山田太郎", jis), base64("水漏れの件", jis)),
                "台所の蛇口から水が漏れています。".getBytes(jis));
        Case value = fixtures().normalise(raw);
        assertThat(value.customer().displayName()).isEqualTo("山田太郎");
        assertThat(value.subject()).isEqualTo("水漏れの件");
        assertThat(value.body().text()).isEqualTo("台所の蛇口から水が漏れています。");
    }

    @Test
    void decodesUtf7BodyAndEncodedWords() {
        byte[] raw = mail("""
                From: sender@example.org
                Subject: =?UTF-7?Q?Hi_Mom_-+Jjo--!?=
                Content-Type: text/plain; charset=UTF-7
                """, "A+ImIDkQ.".getBytes(StandardCharsets.US_ASCII));
        Case value = fixtures().normalise(raw);
        assertThat(value.subject()).isEqualTo("Hi Mom -☺-!");
        assertThat(value.body().text()).isEqualTo("A≢Α.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Shift_JIS|Shift_JIS|お問い合わせありがとうございます",
            "GB2312|GB2312|请尽快修理暖气",
            "GBK|GBK|请尽快修理暖气",
            "Big5|Big5|請盡快修理暖氣",
            "windows-1250|windows-1250|Prosím, opravte topení",
            "windows-1251|windows-1251|Пожалуйста, почините отопление",
            "windows-1252|windows-1252|Café – “quoted” €5",
            "KOI8-R|KOI8-R|Пожалуйста, почините отопление",
            "ISO-8859-15|ISO-8859-15|Prix : 5 €",
            "ks_c_5601-1987|x-windows-949|난방을 고쳐 주세요",
            "EUC-KR|EUC-KR|난방을 고쳐 주세요",
            "iso-8859-8-i|ISO-8859-8|נא לתקן את החימום"})
    void decodesTheCharsetsMailersLabel(String label, String javaCharset, String text) {
        Charset charset = Charset.forName(javaCharset);
        byte[] raw = mail("""
                From: sender@example.org
                Subject: =?%s?B?%s?=
                Content-Type: text/plain; charset="%s"
                Content-Transfer-Encoding: 8bit
                """.formatted(label, base64(text, charset), label), text.getBytes(charset));
        Case value = fixtures().normalise(raw);
        assertThat(value.subject()).isEqualTo(text);
        assertThat(value.body().text()).isEqualTo(text);
    }

    @Test
    void decodesBrokenEncodedWordsAsRealMailersSendThem() {
        // a UTF-8 character split across two words, an unknown charset, missing padding, a language suffix,
        // a word glued to plain text, and a space inside a Q word
        String split = "=?UTF-8?Q?Stra=C3?= =?UTF-8?Q?=9Fe?=";
        Case value = fixtures().normalise("""
                From: =?utf-8*en?Q?J=C3=B6rg?= <joerg@example.de>
                Subject: %s / =?NONE?B?VEVTVA=?= / x=?iso-8859-1?q?=E9t=E9?=y / =?utf-8?q?two words?=
                
                Body
                """.formatted(split));
        assertThat(value.subject()).isEqualTo("Straße / TEST / xétéy / two words");
        assertThat(value.customer().displayName()).isEqualTo("Jörg");
    }

    @Test
    void readsRawUtf8AndLegacyEightBitHeaders() {
        byte[] utf8 = mail("From: sender@example.org\nContent-Type: text/plain; charset=utf-8",
                "Hallo".getBytes(StandardCharsets.UTF_8));
        byte[] withSubject = withHeader(utf8, "Subject: Grüße aus Köln");
        assertThat(fixtures().normalise(withSubject).subject()).isEqualTo("Grüße aus Köln");

        // raw Shift_JIS in the Subject: the message's own charset is the best guess
        Charset sjis = Charset.forName("Shift_JIS");
        byte[] legacy = mail("From: sender@example.jp\nContent-Type: text/plain; charset=Shift_JIS", "本文".getBytes(sjis));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("Subject: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("件名".getBytes(sjis));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(legacy);
        assertThat(fixtures().normalise(out.toByteArray()).subject()).isEqualTo("件名");
    }

    private static byte[] withHeader(byte[] raw, String field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((field + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(raw);
        return out.toByteArray();
    }

    @Test
    void readsMislabelledEightBitTextAsUtf8OrWindows1252() {
        byte[] utf8 = mail("From: a@example.org\nContent-Type: text/plain; charset=us-ascii", "naïve café".getBytes(StandardCharsets.UTF_8));
        assertThat(fixtures().normalise(utf8).body().text()).isEqualTo("naïve café");
        byte[] cp1252 = mail("From: a@example.org\nContent-Type: text/plain", "“smart” quotes".getBytes(Charset.forName("windows-1252")));
        assertThat(fixtures().normalise(cp1252).body().text()).isEqualTo("“smart” quotes");
        byte[] unknown = mail("From: a@example.org\nContent-Type: text/plain; charset=x-unknown-charset", "Grüße".getBytes(StandardCharsets.UTF_8));
        assertThat(fixtures().normalise(unknown).body().text()).isEqualTo("Grüße");
    }

    @Test
    void prefersPlainTextInAlternativeAndKeepsTheHtmlSanitised() {
        Case value = fixtures().normalise("""
                From: a@example.org
                Subject: alternative
                Content-Type: multipart/alternative; boundary="alt"
                
                --alt
                Content-Type: text/plain; charset=utf-8
                
                Plain version
                --alt
                Content-Type: text/html; charset=utf-8
                
                <html><body><p onclick="steal()">HTML <b>version</b></p><script>alert(1)</script></body></html>
                --alt--
                """);
        assertThat(value.body().text()).isEqualTo("Plain version");
        assertThat(value.body().html()).isEqualTo("<p>HTML <b>version</b></p>");
    }

    @Test
    void usesTheHtmlWhenThePlainAlternativeIsEmpty() {
        Case value = fixtures().normalise("""
                From: a@example.org
                Content-Type: multipart/alternative; boundary="alt"
                
                --alt
                Content-Type: text/plain; charset=utf-8
                
                
                --alt
                Content-Type: text/html; charset=utf-8
                
                <p>Only the HTML says something</p>
                --alt--
                """);
        assertThat(value.body().text()).isEqualTo("Only the HTML says something");
    }

    @Test
    void turnsAnHtmlOnlyMessageIntoReadableText() {
        Case value = fixtures().normalise("""
                From: a@example.org
                Content-Type: text/html; charset=utf-8
                
                <html><head><title>ignored</title><style>p { color: red }</style></head><body>
                <p>Dear housing team,</p><p>the boiler is broken.<br>Since Monday.</p>
                <ul><li>no heating</li><li>no hot water</li></ul>
                <div>Thanks, <a href="https://example.org/me">Amira</a></div>
                </body></html>
                """);
        assertThat(value.body().text()).isEqualTo("""
                Dear housing team,
                
                the boiler is broken.
                Since Monday.
                
                - no heating
                - no hot water
                
                Thanks, Amira <https://example.org/me>""");
        assertThat(value.body().html()).contains("<p>Dear housing team,</p>").doesNotContain("style", "title", "ignored");
    }

    @Test
    void sanitisedHtmlLoadsNothingRemoteAndRunsNothing() {
        Case value = fixtures().normalise("""
                From: a@example.org
                Content-Type: text/html; charset=utf-8
                
                <base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">
                <p style="background:url(https://tracker.example/p.gif)">Hello</p>
                <img src="https://tracker.example/pixel.gif" width="1"><img src="cid:logo@example.org" alt="logo">
                <img src="data:image/png;base64,AAAA"><a href="javascript:alert(1)">click</a><a href="https://ok.example/">ok</a>
                <iframe src="https://evil.example/"></iframe><form action="https://evil.example/"><input name="x"></form>
                <svg onload="alert(1)"></svg><object data="x.swf"></object>
                """);
        String html = value.body().html();
        assertThat(html).doesNotContainIgnoringCase("evil.example").doesNotContain("tracker.example", "javascript:",
                "data:", "style=", "onload", "onclick", "<iframe", "<form", "<svg", "<object", "<base", "<meta");
        assertThat(html).contains("<img src=\"cid:logo@example.org\" alt=\"logo\">")
                .contains("<a href=\"https://ok.example/\" rel=\"nofollow noopener noreferrer\">ok</a>");
    }

    @Test
    void storesInlineImagesByContentIdAndAttachmentsInTheStore() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
        byte[] pdf = "%PDF-1.4 tenancy agreement".getBytes(StandardCharsets.US_ASCII);
        EmailFixtures fixtures = fixtures();
        Case value = fixtures.normalise("""
                From: a@example.org
                Content-Type: multipart/mixed; boundary="mixed"
                
                --mixed
                Content-Type: multipart/related; boundary="rel"
                
                --rel
                Content-Type: text/html; charset=utf-8
                
                <p>See the damp: <img src="cid:damp@example.org"></p>
                --rel
                Content-Type: image/png
                Content-Transfer-Encoding: base64
                Content-ID: <damp@example.org>
                
                %s
                --rel--
                --mixed
                Content-Type: application/pdf; name="tenancy.pdf"
                Content-Disposition: attachment; filename="tenancy.pdf"
                Content-Transfer-Encoding: base64
                
                %s
                --mixed--
                """.formatted(Base64.getEncoder().encodeToString(png), Base64.getEncoder().encodeToString(pdf)));

        assertThat(value.body().text()).isEqualTo("See the damp:");
        assertThat(value.body().html()).contains("<img src=\"cid:damp@example.org\">");
        assertThat(value.attachments()).hasSize(2);
        Attachment image = value.attachments().get(0);
        assertThat(image.contentType()).isEqualTo("image/png");
        assertThat(image.inline()).isTrue();
        assertThat(image.contentId()).isEqualTo("damp@example.org");
        assertThat(image.size()).isEqualTo(png.length);
        assertThat(fixtures.bytes(image)).isEqualTo(png);
        Attachment document = value.attachments().get(1);
        assertThat(document.filename()).isEqualTo("tenancy.pdf");
        assertThat(document.contentType()).isEqualTo("application/pdf");
        assertThat(document.inline()).isFalse();
        assertThat(document.contentId()).isNull();
        assertThat(document.sha256()).hasSize(64);
        assertThat(document.ref()).startsWith("attachments/");
        assertThat(fixtures.bytes(document)).isEqualTo(pdf);
    }

    @Test
    void readsRfc2231AndRfc2047FileNames() {
        Case value = fixtures().normalise("""
                From: a@example.org
                Content-Type: multipart/mixed; boundary="b"
                
                --b
                Content-Type: text/plain
                
                Two files
                --b
                Content-Type: application/octet-stream
                Content-Disposition: attachment;
                 filename*0*=UTF-8''Mietvertrag%20f%C3%BCr;
                 filename*1*=%20K%C3%B6ln.pdf
                
                x
                --b
                Content-Type: application/octet-stream; name="=?ISO-8859-1?Q?R=E9sum=E9.doc?="
                
                y
                --b
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename="../../etc/passwd"
                
                z
                --b--
                """);
        assertThat(value.attachments()).extracting(Attachment::filename)
                .containsExactly("Mietvertrag für Köln.pdf", "Résumé.doc", "passwd");
    }

    @Test
    void keepsAForwardedMessageAsAttachmentAndShowsItsText() {
        EmailFixtures fixtures = fixtures();
        Case value = fixtures.normalise("""
                From: officer@council.example.gov.uk
                Subject: Fwd: Damp in flat 3
                Content-Type: multipart/mixed; boundary="outer"
                
                --outer
                Content-Type: text/plain
                
                Please handle this one.
                --outer
                Content-Type: message/rfc822
                Content-Disposition: attachment
                
                From: Tenant <tenant@example.org>
                To: council@council.example.gov.uk
                Subject: Damp in flat 3
                Date: Mon, 23 Nov 2026 08:00:00 +0000
                Content-Type: multipart/mixed; boundary="inner"
                
                --inner
                Content-Type: text/plain
                
                There is black mould in the bedroom.
                --inner
                Content-Type: image/jpeg
                Content-Disposition: attachment; filename="mould.jpg"
                Content-Transfer-Encoding: base64
                
                /9j/4AAQSkZJRg==
                --inner--
                --outer--
                """);
        assertThat(value.body().text()).startsWith("Please handle this one.")
                .contains("---------- Forwarded message ----------", "From: Tenant <tenant@example.org>",
                        "Subject: Damp in flat 3", "There is black mould in the bedroom.");
        assertThat(value.body().latest()).isEqualTo("Please handle this one.");
        assertThat(value.attachments()).extracting(Attachment::filename, Attachment::contentType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Damp in flat 3.eml", "message/rfc822"),
                        org.assertj.core.groups.Tuple.tuple("mould.jpg", "image/jpeg"));
        assertThat(new String(fixtures.bytes(value.attachments().get(0)), StandardCharsets.US_ASCII))
                .startsWith("From: Tenant <tenant@example.org>").contains("There is black mould");
    }

    @Test
    void takesUuencodedFilesOutOfTheText() {
        EmailFixtures fixtures = fixtures();
        Case value = fixtures.normalise("""
                From: old@example.org
                Subject: uuencoded
                
                Here is the file.
                
                begin 644 hello.txt
                &2&5L;&\\*
                `
                end
                
                Bye
                """);
        assertThat(value.body().text()).contains("Here is the file.", "Bye").doesNotContain("begin 644");
        assertThat(value.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.filename()).isEqualTo("hello.txt");
            assertThat(attachment.contentType()).isEqualTo("text/plain");
            assertThat(fixtures.bytes(attachment)).isEqualTo("Hello\n".getBytes(StandardCharsets.US_ASCII));
        });
    }

    @Test
    void decodesPartsSentWithUuencodeTransferEncoding() {
        EmailFixtures fixtures = fixtures();
        Case value = fixtures.normalise("""
                From: old@example.org
                Content-Type: multipart/mixed; boundary="b"
                
                --b
                Content-Type: text/plain
                
                Attached.
                --b
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: x-uuencode
                
                begin 644 hello.txt
                &2&5L;&\\*
                `
                end
                --b--
                """);
        assertThat(value.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.filename()).isEqualTo("hello.txt");
            assertThat(fixtures.bytes(attachment)).isEqualTo("Hello\n".getBytes(StandardCharsets.US_ASCII));
        });
    }

    @Test
    void separatesTheLatestReplyFromQuotedHistory() {
        Case value = fixtures().normalise("""
                From: Amira <amira@example.org>
                Subject: Re: Your repair request [CB-7K3M9Q]
                
                Thursday morning works for me.
                
                Sent from my iPhone
                
                On Tue, 24 Nov 2026 at 10:15, Repairs <repairs@housing.example> wrote:
                > When can our plumber visit?
                """);
        assertThat(value.body().latest()).isEqualTo("Thursday morning works for me.");
        assertThat(value.body().text()).contains("> When can our plumber visit?");
    }

    @Test
    void detectsAutoRepliesAndBounces() {
        assertThat(fixtures().normalise("""
                From: amira@example.org
                Auto-Submitted: auto-replied
                Subject: Out of office
                
                I am away until Monday.
                """).kind()).isEqualTo(MessageKind.AUTO_REPLY);
        assertThat(fixtures().normalise("""
                From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
                Subject: Undelivered Mail Returned to Sender
                Content-Type: multipart/report; report-type=delivery-status; boundary="r"
                
                --r
                Content-Type: text/plain
                
                Your message could not be delivered.
                --r
                Content-Type: message/delivery-status
                
                Reporting-MTA: dns; mx.example.org
                
                Final-Recipient: rfc822; gone@example.org
                Action: failed
                Status: 5.1.1
                --r--
                """).kind()).isEqualTo(MessageKind.BOUNCE);
    }

    @Test
    void rejectsAMessageOverTheSizeLimit() {
        EmailFixtures small = new EmailFixtures(dir, new EmailLimits(1024, 512, 5, 50, 8, 100, 4096, 10_000));
        byte[] raw = ("From: a@example.org\r\n\r\n" + "x".repeat(2000)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> small.normalise(raw))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo("message-too-large");
                    assertThat(e.detail()).contains("1024");
                });
    }

    @Test
    void rejectsAnAttachmentOverTheLimitAndStoresNothing() throws Exception {
        EmailFixtures small = new EmailFixtures(dir, new EmailLimits(1_000_000, 100, 5, 50, 8, 100, 4096, 10_000));
        String big = Base64.getMimeEncoder().encodeToString(new byte[300]);
        assertThatThrownBy(() -> small.normalise("""
                From: a@example.org
                Content-Type: multipart/mixed; boundary="b"
                
                --b
                Content-Type: application/octet-stream; name="small.bin"
                Content-Transfer-Encoding: base64
                
                AAAA
                --b
                Content-Type: application/octet-stream; name="big.bin"
                Content-Transfer-Encoding: base64
                
                %s
                --b--
                """.formatted(big)))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo("attachment-too-large");
                    assertThat(e.detail()).contains("big.bin", "300", "100");
                });
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void rejectsTooManyAttachments() {
        EmailFixtures small = new EmailFixtures(dir, new EmailLimits(1_000_000, 1000, 2, 50, 8, 100, 4096, 10_000));
        StringBuilder message = new StringBuilder("From: a@example.org\nContent-Type: multipart/mixed; boundary=\"b\"\n\n");
        for (int i = 0; i < 3; i++) {
            message.append("--b\nContent-Type: application/octet-stream; name=\"f").append(i).append("\"\n\nx\n");
        }
        message.append("--b--\n");
        assertThatThrownBy(() -> small.normalise(message.toString()))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> assertThat(e.reason()).isEqualTo("too-many-attachments"));
    }

    @Test
    void rejectsHeadersAndLinesBeyondTheParserLimits() {
        EmailFixtures small = new EmailFixtures(dir, new EmailLimits(1_000_000, 1000, 5, 50, 8, 10, 200, 1000));
        String manyFields = "X-Junk: 1\n".repeat(20) + "From: a@example.org\n\nbody\n";
        assertThatThrownBy(() -> small.normalise(manyFields))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> assertThat(e.reason()).isEqualTo("too-many-header-fields"));
        String longField = "From: a@example.org\nSubject: " + "word ".repeat(100) + "\n\nbody\n";
        assertThatThrownBy(() -> small.normalise(longField))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> assertThat(e.reason()).isEqualTo("header-field-too-long"));
        EmailFixtures shortLines = new EmailFixtures(dir, new EmailLimits(1_000_000, 1000, 5, 50, 8, 10, 10_000, 1000));
        String longLine = "From: a@example.org\nSubject: " + "x".repeat(5000) + "\n\nbody\n";
        assertThatThrownBy(() -> shortLines.normalise(longLine))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> assertThat(e.reason()).isEqualTo("line-too-long"));
    }

    @Test
    void rejectsTooDeeplyNestedParts() {
        StringBuilder message = new StringBuilder("From: a@example.org\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
        int depth = 60;
        for (int i = 1; i <= depth; i++) {
            message.append("--b").append(i - 1).append("\nContent-Type: multipart/mixed; boundary=\"b").append(i).append("\"\n\n");
        }
        message.append("--b").append(depth).append("\nContent-Type: text/plain\n\ndeep\n");
        for (int i = depth; i >= 0; i--) {
            message.append("--b").append(i).append("--\n");
        }
        assertThatThrownBy(() -> fixtures().normalise(message.toString()))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> assertThat(e.reason()).isEqualTo("nesting-too-deep"));
    }

    @Test
    void rejectsAnEmptyMessage() {
        assertThatThrownBy(() -> fixtures().normalise(new byte[0]))
                .isInstanceOfSatisfying(EmailRejectedException.class, e -> assertThat(e.reason()).isEqualTo("empty-message"));
    }

    @Test
    void handlesDeeplyNestedHtmlQuicklyAndWithoutExhaustingTheStack() {
        String html = "<div>".repeat(200_000) + "deep text" + "</div>".repeat(200_000);
        Case value = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> fixtures().normalise(
                "From: a@example.org\nContent-Type: text/html\n\n" + html));
        assertThat(value.body().text()).isEqualTo("deep text");
        // no mail client shows HTML nested this deep, and sanitising it would take time in proportion to depth squared
        assertThat(value.body().html()).isNull();
    }

    @Test
    void readsAMessageWithoutAnyHeader() {
        Case value = fixtures().normalise("Just some text\nwithout a header.\n");
        assertThat(value.body().text()).isEqualTo("Just some text\nwithout a header.");
        assertThat(value.customer().email()).isNull();
    }
}
