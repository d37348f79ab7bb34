package org.casebridge.channel.email;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code body.latest}: the new part of a reply, without quoted history or signature, in the styles mailers write. */
class ReplyStripperTests {

    private static String latest(String text) {
        return ReplyStripper.latest(text.strip());
    }

    @Test
    void dropsGmailStyleAttributionAndQuote() {
        assertThat(latest("""
                Thursday works for me.

                On Tue, 24 Nov 2026 at 10:15, Repairs <repairs@housing.example> wrote:
                > When can our plumber visit?
                >
                > Repairs team
                """)).isEqualTo("Thursday works for me.");
    }

    @Test
    void dropsAnAttributionGmailWrappedOverTwoLines() {
        assertThat(latest("""
                Yes, I am providing you the steps.

                On Thu, Aug 19, 2021 at 2:07 PM Tejaswini from Email sender test <
                tejaswini@example.com> wrote:

                > Any update on this?
                """)).isEqualTo("Yes, I am providing you the steps.");
    }

    @Test
    void dropsOutlookOriginalMessageSeparator() {
        assertThat(latest("""
                Please call me back.

                -----Original Message-----
                From: Repairs
                Sent: 24 November 2026 10:15
                Subject: Your repair
                Earlier text
                """)).isEqualTo("Please call me back.");
    }

    @Test
    void dropsOutlookHeaderBlockUnderARule() {
        assertThat(latest("""
                The leak is getting worse.

                ________________________________
                From: Repairs <repairs@housing.example>
                Sent: Tuesday, November 24, 2026 10:15 AM
                To: Amira Hassan <amira@example.org>
                Subject: RE: Leak

                We will send someone.
                """)).isEqualTo("The leak is getting worse.");
    }

    @Test
    void dropsOutlookHeaderBlockInBoldPlainTextAndInGerman() {
        assertThat(latest("""
                Danke!

                *From:* Repairs <repairs@housing.example>
                *Sent:* Tuesday, November 24, 2026 10:15 AM
                *To:* Amira
                """)).isEqualTo("Danke!");
        assertThat(latest("""
                Danke für die schnelle Antwort.

                Von: Reparaturen <repairs@housing.example>
                Gesendet: Dienstag, 24. November 2026 10:15
                An: Amira
                Betreff: Wasserschaden
                """)).isEqualTo("Danke für die schnelle Antwort.");
    }

    @Test
    void dropsAttributionsInOtherLanguages() {
        assertThat(latest("""
                Das passt gut.

                Am 24.11.2026 um 10:15 schrieb Repairs <repairs@housing.example>:
                > Wann dürfen wir kommen?
                """)).isEqualTo("Das passt gut.");
        assertThat(latest("""
                Merci beaucoup.

                Le mar. 24 nov. 2026 à 10:15, Repairs <repairs@housing.example> a écrit :
                > Quand pouvons-nous passer ?
                """)).isEqualTo("Merci beaucoup.");
        assertThat(latest("""
                Perfecto.

                El mar, 24 nov 2026 a las 10:15, Repairs (<repairs@housing.example>) escribió:
                > ¿Cuándo podemos ir?
                """)).isEqualTo("Perfecto.");
        assertThat(latest("""
                よろしくお願いします。

                2026年11月24日(火) 10:15 Repairs <repairs@housing.example>:
                > いつ伺えますか？
                """)).isEqualTo("よろしくお願いします。");
    }

    @Test
    void keepsInlineAnswersBetweenQuotes() {
        assertThat(latest("""
                > Is the boiler working?
                No, it stopped on Sunday.
                > Is there hot water?
                Only in the bathroom.
                """)).isEqualTo("No, it stopped on Sunday.\nOnly in the bathroom.");
    }

    @Test
    void dropsAnUndatedAttributionRightBeforeAQuote() {
        assertThat(latest("""
                Agreed.

                Anna wrote:
                > Shall we meet on Friday?
                """)).isEqualTo("Agreed.");
    }

    @Test
    void dropsTheSignatureAfterTheDashDashDelimiter() {
        assertThat(latest("""
                The window in the bedroom is broken.

                --\s
                Amira Hassan
                Flat 3, 12 High Street
                """)).isEqualTo("The window in the bedroom is broken.");
    }

    @Test
    void dropsDeviceSignatures() {
        assertThat(latest("""
                See you on Thursday.

                Sent from my iPhone
                """)).isEqualTo("See you on Thursday.");
        assertThat(latest("""
                Bis Donnerstag.

                Von meinem iPhone gesendet
                """)).isEqualTo("Bis Donnerstag.");
        assertThat(latest("""
                Thanks

                Get Outlook for Android
                """)).isEqualTo("Thanks");
    }

    @Test
    void keepsTheCustomersOwnWordsThatOnlyLookLikeAttributions() {
        String text = """
                On Monday my neighbour wrote:
                the damp is coming from your side.
                From: the second floor
                """;
        assertThat(latest(text)).isEqualTo(text.strip());
    }

    @Test
    void collapsesRunsOfBlankLinesAndInvisibleSpaces() {
        assertThat(latest("First\n\n\n\n\u200B\n\u00A0\nSecond")).isEqualTo("First\n\nSecond");
    }

    @Test
    void keepsTheWholeTextWhenEverythingIsHistory() {
        String forward = """
                ---------- Forwarded message ---------
                From: Tenant <tenant@example.org>
                Subject: Damp

                There is mould.
                """;
        assertThat(latest(forward)).isEqualTo(forward.strip());
    }
}
