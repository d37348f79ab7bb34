package org.casebridge.channel.twitter;

import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.casebridge.channel.twitter.TwitterProperties.MentionReplies.DM;
import static org.casebridge.channel.twitter.TwitterProperties.MentionReplies.PUBLIC;

/** How a reply goes back on X: DM for DM cases; for mention cases as reply-to-mentions says, and never with case text in public. */
class TwitterRepliesTests {

    @Test
    void aDirectMessageCaseIsAlwaysAnsweredByDirectMessage() {
        for (TwitterProperties.MentionReplies mode : TwitterProperties.MentionReplies.values()) {
            assertThat(TwitterReplies.call("42", "1582838223385698308", mode))
                    .isEqualTo(new TwitterReplies.Call(TwitterReplies.Call.Kind.DM, "42", null, false));
        }
    }

    @Test
    void aMentionCaseIsAnsweredByDirectMessageOrPubliclyAsConfigured() {
        assertThat(TwitterReplies.call("42", "tweet:1583150000000000001", DM))
                .isEqualTo(new TwitterReplies.Call(TwitterReplies.Call.Kind.DM, "42", "1583150000000000001", true));
        assertThat(TwitterReplies.call("42", "tweet:1583150000000000001", PUBLIC))
                .isEqualTo(new TwitterReplies.Call(TwitterReplies.Call.Kind.PUBLIC_REPLY, "42", "1583150000000000001", true));
    }

    @Test
    void thePublicReplyNamesOnlyTheHandleAndTheCaseReferenceWithinATweet() {
        String caseId = CaseIds.newCaseId();
        Case reply = new Case(Case.SCHEMA_VERSION, caseId, CaseIds.newMessageId(), Channel.TWITTER, Direction.OUTBOUND, MessageKind.MESSAGE,
                Instant.now(), null, new Customer("Tom Baker", null, null, "tombaker_leeds", "42", null, null), "Lift",
                new Body("Your tenancy TEN-123 at 4 Canal Street: the lift engineer comes Monday.", null, null), List.of(),
                null, null, null, Priority.P3, null, null, null);
        String text = TwitterReplies.publicText(reply);
        assertThat(text).startsWith("@tombaker_leeds ").contains(caseId).doesNotContain("TEN-123").doesNotContain("Canal");
        assertThat(text.length()).isLessThanOrEqualTo(280);
    }
}
