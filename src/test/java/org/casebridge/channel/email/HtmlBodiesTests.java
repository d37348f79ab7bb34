package org.casebridge.channel.email;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** HTML bodies as readable text, and their sanitised copy. */
class HtmlBodiesTests {

    private static String text(String html) {
        return HtmlBodies.text(HtmlBodies.parse(html));
    }

    @Test
    void keepsParagraphsLineBreaksAndLists() {
        assertThat(text("<h1>Repair</h1><p>Line one<br>line two</p><p>Next   paragraph\nwraps</p><ol><li>first</li><li>second</li></ol>"))
                .isEqualTo("Repair\n\nLine one\nline two\n\nNext paragraph wraps\n\n- first\n- second");
    }

    @Test
    void marksBlockquotesAsQuotedLines() {
        assertThat(text("<div>My answer</div><div class=\"gmail_quote\">On Tue, 24 Nov 2026, Repairs wrote:"
                + "<blockquote><p>Question one</p><p>Question two</p></blockquote></div>"))
                .isEqualTo("My answer\nOn Tue, 24 Nov 2026, Repairs wrote:\n\n> Question one\n\n> Question two");
    }

    @Test
    void keepsPreformattedTextAndTableCells() {
        assertThat(text("<pre>  a  b\n  c</pre><table><tr><td>Rent</td><td>£100</td></tr><tr><td>Due</td><td>1st</td></tr></table>"))
                .isEqualTo("  a  b\n  c\n\nRent £100\nDue 1st");
    }

    @Test
    void writesOutlookParagraphsAsLines() {
        assertThat(text("<p class=MsoNormal>Hello,</p><p class=MsoNormal>the heating is off.</p>"))
                .isEqualTo("Hello,\nthe heating is off.");
    }

    @Test
    void showsLinkTargetsAndImageDescriptionsButNoScriptsOrStyles() {
        assertThat(text("<style>.a{}</style><script>x()</script><p>See <a href=\"https://example.org/form\">the form</a>"
                + " or https://example.org/faq <a href=\"https://example.org/faq\">https://example.org/faq</a>"
                + " <img src=\"cid:x\" alt=\"photo of damp\"></p><noscript>shown without scripts</noscript>"))
                .isEqualTo("See the form <https://example.org/form> or https://example.org/faq https://example.org/faq"
                        + " [photo of damp]\n\nshown without scripts");
    }

    @Test
    void sanitisingDropsTextThatWasNeverShown() {
        var document = HtmlBodies.parse("<p>Visible</p><title>junk</title><style>p{}</style>");
        assertThat(HtmlBodies.sanitise(document)).isEqualTo("<p>Visible</p>");
    }
}
