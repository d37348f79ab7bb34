package org.casebridge.channel.email;

import org.casebridge.cases.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Automatic mail is told from mail a person wrote by its headers and structure (the corpus labels are in EmailCorpusTests). */
class AutoReplyDetectorTests {

    @TempDir
    Path dir;

    private MessageKind kind(String header) {
        return new EmailFixtures(dir).normalise(header.strip() + "\nSubject: Re: your repair\n\nI am out of the office.\n").kind();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "From: a@example.org\nAuto-Submitted: auto-replied",
            "From: a@example.org\nAuto-Submitted: auto-generated (vacation)",
            "From: a@example.org\nX-Autoreply: yes",
            "From: a@example.org\nX-Autorespond: Out of office",
            "From: a@example.org\nPrecedence: bulk",
            "From: a@example.org\nPrecedence: junk",
            "From: a@example.org\nPrecedence: list",
            "From: a@example.org\nX-Auto-Response-Suppress: All",
            "From: a@example.org\nX-Auto-Response-Suppress: DR, OOF, AutoReply",
            "From: a@example.org\nList-Id: Tenants forum <tenants.lists.example.org>",
            "From: a@example.org\nList-Unsubscribe: <mailto:leave@lists.example.org>",
            "From: a@example.org\nSubject: Automatic reply: your repair",
            "From: a@example.org\nContent-Type: multipart/report; report-type=disposition-notification; boundary=x"})
    void recognisesAutoReplies(String header) {
        assertThat(kind(header)).isEqualTo(MessageKind.AUTO_REPLY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nAuto-Submitted: auto-replied",
            "From: postmaster@mx.example.org",
            "From: \"\" (Mail Delivery System)",
            "From: relay@mx.example.org\nX-Failed-Recipients: gone@example.org",
            "From: relay@mx.example.org\nContent-Type: multipart/report; report-type=delivery-status; boundary=x"})
    void recognisesBounces(String header) {
        assertThat(kind(header)).isEqualTo(MessageKind.BOUNCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "From: a@example.org",
            "From: a@example.org\nAuto-Submitted: no",
            "From: a@example.org\nPrecedence: first-class",
            "From: a@example.org\nX-Auto-Response-Suppress: RN, NRN",
            "From: Postmaster General <amira@example.org>"})
    void leavesMailFromPeopleAlone(String header) {
        assertThat(kind(header)).isEqualTo(MessageKind.MESSAGE);
    }

    @Test
    void aCustomerMentioningOutOfOfficeHoursIsNoAutoReply() {
        assertThat(new EmailFixtures(dir).normalise("From: a@example.org\nSubject: Out of office hours repairs\n\nHello\n").kind())
                .isEqualTo(MessageKind.MESSAGE);
    }
}
