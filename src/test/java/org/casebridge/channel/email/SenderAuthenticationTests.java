package org.casebridge.channel.email;

import org.casebridge.cases.Case;
import org.casebridge.cases.Trust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Authentication-Results (RFC 8601) believed only from the mailbox's own authserv-ids. */
class SenderAuthenticationTests {

    private final SenderAuthentication authentication =
            new SenderAuthentication(List.of("mx.housing.example"), Map.of("complaints", List.of("mx2.housing.example")));

    @TempDir
    Path store;

    @Test
    void dmarcPassFromTheOwnServerVerifiesTheSender() {
        Trust trust = authentication.assess("support", List.of("mx.housing.example; spf=pass smtp.mailfrom=tenant.example;"
                + " dkim=pass header.d=tenant.example; dmarc=pass (p=reject) header.from=tenant.example"), "ann@tenant.example");
        assertThat(trust).isEqualTo(new Trust(true, "dmarc"));
    }

    @Test
    void alignedDkimPassWithoutDmarcIsDkim() {
        Trust trust = authentication.assess("support", List.of("mx.housing.example 1; dkim=pass (2048-bit key)"
                + " header.d=tenant.example header.s=s1; dmarc=none"), "ann@mail.tenant.example");
        assertThat(trust).isEqualTo(new Trust(true, "dkim"));
    }

    @Test
    void dkimOfAnotherDomainIsNotTheSenders() {
        Trust trust = authentication.assess("support", List.of("mx.housing.example; dkim=pass header.d=mailer.example;"
                + " dmarc=fail header.from=tenant.example"), "ann@tenant.example");
        assertThat(trust.verified()).isFalse();
        assertThat(trust.method()).isEqualTo("none");
        assertThat(trust.reason()).contains("dmarc=fail");
    }

    @Test
    void resultsWrittenByAnyoneElseAreIgnored() {
        Trust trust = authentication.assess("support", List.of("evil.example; dmarc=pass header.from=tenant.example",
                "mx.housing.example.attacker.example; dkim=pass header.d=tenant.example"), "ann@tenant.example");
        assertThat(trust.verified()).isFalse();
        assertThat(trust.reason()).contains("no Authentication-Results from a trusted authserv-id");
    }

    @Test
    void dmarcPassForAnotherFromDomainDoesNotCount() {
        Trust trust = authentication.assess("support", List.of("mx.housing.example; dmarc=pass header.from=other.example"),
                "ann@tenant.example");
        assertThat(trust.verified()).isFalse();
    }

    @Test
    void aMailboxsOwnAuthservIdsReplaceTheDefault() {
        String field = "mx.housing.example; dmarc=pass header.from=tenant.example";
        assertThat(authentication.assess("complaints", List.of(field), "ann@tenant.example").verified()).isFalse();
        assertThat(authentication.assess("complaints", List.of(field.replace("mx.", "mx2.")), "ann@tenant.example"))
                .isEqualTo(new Trust(true, "dmarc"));
    }

    @Test
    void withNoTrustedServerTheReasonSaysSo() {
        Trust trust = SenderAuthentication.none().assess("support", List.of("mx.housing.example; dmarc=pass"), "a@b.example");
        assertThat(trust.method()).isEqualTo("none");
        assertThat(trust.reason()).contains("no authserv-id is trusted");
    }

    @Test
    void theNormalizerPutsTheResultOnTheCase() throws Exception {
        EmailFixtures fixtures = new EmailFixtures(store);
        EmailNormalizer normalizer = new EmailNormalizer(fixtures.store, EmailLimits.defaults(),
                org.casebridge.cases.Priority.P3, null,
                java.time.Clock.fixed(java.time.Instant.parse("2026-03-02T09:00:00Z"), java.time.ZoneOffset.UTC), authentication);
        String mail = "Authentication-Results: mx.housing.example;\r\n dkim=pass header.d=tenant.example;\r\n"
                + " dmarc=pass header.from=tenant.example\r\n"
                + "Authentication-Results: attacker.example; dmarc=pass header.from=forged.example\r\n"
                + "From: Ann <ann@Tenant.Example>\r\nTo: support@housing.example\r\nSubject: Leak\r\n\r\nWater.\r\n";
        Case value = normalizer.normalise(mail.getBytes(StandardCharsets.US_ASCII), "support", null);
        assertThat(value.trust()).isEqualTo(new Trust(true, "dmarc"));
        Case forged = normalizer.normalise(mail.replace("mx.housing.example;", "mx.other.example;")
                .getBytes(StandardCharsets.US_ASCII), "support", null);
        assertThat(forged.trust().verified()).isFalse();
    }
}
