package org.casebridge.channel.meta;

import org.casebridge.cases.Channel;
import org.casebridge.shared.RejectedMessageException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Meta's messaging window as the reply translator applies it, and how long texts are cut. */
class MetaRepliesTests {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private static MessengerProperties settings(boolean humanAgentTag) {
        MessengerProperties properties = new MessengerProperties();
        properties.setHumanAgentTag(humanAgentTag);
        return properties;
    }

    @Test
    void answersWithinTwentyFourHoursAsAResponse() {
        assertThat(MetaReplies.window(Channel.MESSENGER, settings(false), NOW.minus(Duration.ofHours(23)), NOW))
                .isEqualTo(new MetaReplies.Window("RESPONSE", null));
        assertThat(MetaReplies.window(Channel.MESSENGER, settings(true), NOW.minus(Duration.ofHours(24)), NOW))
                .isEqualTo(new MetaReplies.Window("RESPONSE", null));
    }

    @Test
    void tagsLaterRepliesAsAHumanAgentsForUpToSevenDaysWhenEnabled() {
        assertThat(MetaReplies.window(Channel.INSTAGRAM, settings(true), NOW.minus(Duration.ofHours(25)), NOW))
                .isEqualTo(new MetaReplies.Window("MESSAGE_TAG", "HUMAN_AGENT"));
        assertThat(MetaReplies.window(Channel.MESSENGER, settings(true), NOW.minus(Duration.ofDays(7)), NOW))
                .isEqualTo(new MetaReplies.Window("MESSAGE_TAG", "HUMAN_AGENT"));
        assertThatThrownBy(() -> MetaReplies.window(Channel.MESSENGER, settings(true), NOW.minus(Duration.ofDays(8)), NOW))
                .isInstanceOfSatisfying(RejectedMessageException.class, e -> {
                    assertThat(e.slug()).isEqualTo("messaging-window-closed");
                    assertThat(e.getMessage()).contains("24-hour messaging window").contains("7 days the HUMAN_AGENT tag allows");
                });
    }

    @Test
    void refusesLaterRepliesWithoutTheTagAndSaysHowToEnableIt() {
        assertThatThrownBy(() -> MetaReplies.window(Channel.MESSENGER, settings(false), NOW.minus(Duration.ofHours(30)), NOW))
                .isInstanceOfSatisfying(RejectedMessageException.class, e -> {
                    assertThat(e.slug()).isEqualTo("messaging-window-closed");
                    assertThat(e.getMessage()).contains("30 hours ago").contains("casebridge.channels.messenger.human-agent-tag");
                });
        assertThatThrownBy(() -> MetaReplies.window(Channel.INSTAGRAM, settings(true), null, NOW))
                .isInstanceOfSatisfying(RejectedMessageException.class, e -> assertThat(e.getMessage()).contains("never wrote on instagram"));
    }

    @Test
    void splitsLongRepliesBetweenParagraphsAndWords() {
        String paragraph = "word ".repeat(300).strip();
        List<String> parts = MetaReplies.split(paragraph + "\n\n" + paragraph, MetaReplies.MAX_TEXT);

        assertThat(parts).hasSize(2).allSatisfy(p -> assertThat(p).hasSizeLessThanOrEqualTo(MetaReplies.MAX_TEXT).isEqualTo(paragraph));
        assertThat(MetaReplies.split("x".repeat(2500), MetaReplies.MAX_TEXT)).extracting(String::length).containsExactly(2000, 500);
        assertThat(MetaReplies.split("short", MetaReplies.MAX_TEXT)).containsExactly("short");
    }
}
