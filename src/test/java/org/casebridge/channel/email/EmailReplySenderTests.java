package org.casebridge.channel.email;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.casebridge.cases.Recipients;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.cases.ThreadMethod;
import org.casebridge.cases.Trust;
import org.casebridge.support.BridgeTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a reply is addressed and what mail it becomes: subject, recipients, threading headers, Message-ID, encoding. */
class EmailReplySenderTests extends BridgeTest {

    @Autowired
    EmailReplySender sender;

    private static Case inbound(String caseId, String email, List<EmailAddress> replyTo) {
        return new Case(Case.SCHEMA_VERSION, caseId, CaseIds.newMessageId(), Channel.EMAIL, Direction.INBOUND, MessageKind.MESSAGE,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null, new Customer("Zoë Müller", email, null, null, null, null, null),
                "Heizung", new Body("Kalt.", "Kalt.", null), List.of(), new Recipients(List.of(), List.of(), replyTo),
                CaseThread.newCase(), new Source("support", "in@example.org", null), Priority.P3, null, new Sla(null), new Trust(false, "none"));
    }

    private Case outbound(String caseId, MessageKind kind, String text, String html, EmailReplySender.Addressing addressing, String messageId) {
        return new Case(Case.SCHEMA_VERSION, caseId, messageId, Channel.EMAIL, Direction.OUTBOUND, kind,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null, new Customer("Zoë Müller", "zoe@example.org", null, null, null, null, null),
                addressing.subject(), new Body(text, text, html), List.of(), addressing.recipients(), addressing.thread(), addressing.source(),
                Priority.P3, null, new Sla(null), new Trust(true, "back-office"));
    }

    @Test
    void subjectCarriesOneReplyPrefixAndTheCaseTokenOnce() {
        assertThat(EmailReplySender.replySubject("Leaking tap", "CB-7K3M9Q")).isEqualTo("Re: Leaking tap [CB-7K3M9Q]");
        assertThat(EmailReplySender.replySubject("RE: Leaking tap", "CB-7K3M9Q")).isEqualTo("RE: Leaking tap [CB-7K3M9Q]");
        assertThat(EmailReplySender.replySubject("re : [cb-7k3m9q] Leaking tap", "CB-7K3M9Q")).isEqualTo("re : [cb-7k3m9q] Leaking tap");
        assertThat(EmailReplySender.replySubject("[CB-7K3M9Q] Leaking\r\n tap", "CB-7K3M9Q")).isEqualTo("Re: [CB-7K3M9Q] Leaking tap");
        assertThat(EmailReplySender.replySubject(null, "CB-7K3M9Q")).isEqualTo("Re: Your message [CB-7K3M9Q]");
        String long1000 = "x".repeat(1000);
        assertThat(EmailReplySender.replySubject(long1000, "CB-7K3M9Q")).hasSize(998).endsWith(" [CB-7K3M9Q]");
    }

    @Test
    void referencesKeepTheThreadRootAndTheLatestWhenThereAreTooMany() {
        List<String> earlier = IntStream.range(0, 30).mapToObj(i -> "<m" + i + "@example.org>").toList();

        List<String> references = EmailReplySender.references(earlier, "latest@example.org");

        assertThat(references).hasSize(EmailReplySender.MAX_REFERENCES);
        assertThat(references.get(0)).isEqualTo("m0@example.org");
        assertThat(references.get(1)).isEqualTo("m12@example.org");
        assertThat(references.get(references.size() - 1)).isEqualTo("latest@example.org");
        assertThat(EmailReplySender.references(List.of("a@x", "latest@x", "a@x"), "latest@x")).containsExactly("a@x", "latest@x");
    }

    @Test
    void addressesTheReplyToOfTheFirstMailWithTokenisedReplyAddressAndOwnMessageId() {
        String caseId = "CB-7K3M9Q";
        Case first = inbound(caseId, "zoe@example.org", List.of(new EmailAddress("Zoë at work", "zoe@work.example.org")));

        EmailReplySender.Addressing addressing = sender.address(caseId, "Heizung", "msg-0b7d3c1e-2f4a-4c5b-9d6e-7f8091a2b3c4", first,
                "<latest@example.org>", List.of("root@example.org"));

        assertThat(addressing.recipients().to()).containsExactly(new EmailAddress("Zoë at work", "zoe@work.example.org"));
        assertThat(addressing.recipients().replyTo()).extracting(EmailAddress::address).containsExactly("support+cb-7k3m9q@casebridge.local");
        assertThat(addressing.subject()).isEqualTo("Re: Heizung [CB-7K3M9Q]");
        assertThat(addressing.thread().method()).isEqualTo(ThreadMethod.HEADER);
        assertThat(addressing.thread().inReplyTo()).isEqualTo("latest@example.org");
        assertThat(addressing.thread().references()).containsExactly("root@example.org", "latest@example.org");
        assertThat(addressing.source().externalId()).isEqualTo("0b7d3c1e-2f4a-4c5b-9d6e-7f8091a2b3c4@casebridge.local");
        assertThat(addressing.source().system()).isEqualTo("support@casebridge.local");

        EmailReplySender.Addressing withoutReplyTo = sender.address(caseId, "Heizung", CaseIds.newMessageId(),
                inbound(caseId, "zoe@example.org", List.of()), null, List.of());
        assertThat(withoutReplyTo.recipients().to()).containsExactly(new EmailAddress("Zoë Müller", "zoe@example.org"));
        assertThat(withoutReplyTo.thread().inReplyTo()).isNull();
        assertThat(withoutReplyTo.thread().references()).isEmpty();
    }

    @Test
    void refusesCaseWithoutAnEmailAddressToAnswer() {
        Case phoneOnly = inbound("CB-7K3M9Q", null, List.of());

        assertThatThrownBy(() -> sender.address("CB-7K3M9Q", "Heizung", CaseIds.newMessageId(), phoneOnly, null, List.of()))
                .isInstanceOf(RejectedMessageException.class)
                .satisfies(e -> assertThat(((RejectedMessageException) e).slug()).isEqualTo("no-reply-address"));
    }

    @Test
    void mailKeepsItsMessageIdAndCarriesNonAsciiTextAsUtf8() throws Exception {
        String caseId = "CB-7K3M9Q";
        String messageId = CaseIds.newMessageId();
        EmailReplySender.Addressing addressing = sender.address(caseId, "Heizung kaputt – Grüße", messageId,
                inbound(caseId, "zoe@example.org", List.of()), "latest@example.org", List.of());
        MimeMessage mail = sender.toMimeMessage(outbound(caseId, MessageKind.MESSAGE, "Schöne Grüße, 你好", null, addressing, messageId));

        String expectedId = "<" + addressing.source().externalId() + ">";
        assertThat(mail.getMessageID()).isEqualTo(expectedId);
        mail.saveChanges(); // as the SMTP sender does before sending
        assertThat(mail.getMessageID()).isEqualTo(expectedId);
        assertThat(mail.getHeader("In-Reply-To", null)).isEqualTo("<latest@example.org>");
        assertThat(mail.getHeader("References", null)).isEqualTo("<latest@example.org>");
        assertThat(mail.getHeader("Auto-Submitted")).isNull();
        assertThat(((InternetAddress) mail.getRecipients(jakarta.mail.Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Zoë Müller");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        mail.writeTo(raw);
        String wire = raw.toString(StandardCharsets.US_ASCII);
        // on the wire: 7-bit headers (RFC 2047) and an encoded UTF-8 body
        assertThat(wire).contains("Subject: =?UTF-8?").contains("charset=UTF-8");
        MimeMessage parsed = new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(raw.toByteArray()));
        assertThat(parsed.getSubject()).isEqualTo("Re: Heizung kaputt – Grüße [CB-7K3M9Q]");
        assertThat(((String) parsed.getContent()).strip()).isEqualTo("Schöne Grüße, 你好");
    }

    @Test
    void onlyAutoRepliesAreMarkedAutoSubmitted() throws Exception {
        String messageId = CaseIds.newMessageId();
        EmailReplySender.Addressing addressing = sender.address("CB-7K3M9Q", "Heizung", messageId,
                inbound("CB-7K3M9Q", "zoe@example.org", List.of()), null, List.of());

        MimeMessage auto = sender.toMimeMessage(outbound("CB-7K3M9Q", MessageKind.AUTO_REPLY, "Received.", null, addressing, messageId));
        MimeMessage update = sender.toMimeMessage(outbound("CB-7K3M9Q", MessageKind.STATUS_UPDATE, "Booked.", null, addressing, messageId));

        assertThat(auto.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(update.getHeader("Auto-Submitted")).isNull();
        assertThat(update.getHeader("X-Auto-Response-Suppress")).isNull();
    }

    @Test
    void outboxRequiresTlsWhenConfiguredAndRefusesSettingsThatCannotWork() {
        OutboxProperties relay = new OutboxProperties();
        relay.setHost("smtp.example.org");
        relay.setPort(587);
        relay.setStarttls(true);
        java.util.Properties mail = new OutboxConfiguration().outboxMailProperties(relay);
        assertThat(mail).containsEntry("mail.smtp.starttls.enable", "true").containsEntry("mail.smtp.starttls.required", "true")
                .containsEntry("mail.smtp.ssl.checkserveridentity", "true").containsEntry("mail.smtp.connectiontimeout", "15000");

        OutboxProperties smtps = new OutboxProperties();
        smtps.setProtocol("SMTPS");
        smtps.setPort(465);
        assertThat(new OutboxConfiguration().outboxMailProperties(smtps)).containsEntry("mail.smtps.ssl.checkserveridentity", "true")
                .doesNotContainKey("mail.smtps.starttls.enable");

        smtps.setStarttls(true);
        assertThatThrownBy(smtps::validate).hasMessageContaining("casebridge.email.outbox.starttls");
        OutboxProperties plus = new OutboxProperties();
        plus.setFromAddress("support+team@example.org");
        assertThatThrownBy(plus::validate).hasMessageContaining("from-address");
    }
}
