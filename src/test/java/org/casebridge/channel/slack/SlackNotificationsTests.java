package org.casebridge.channel.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.model.Message;
import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.element.ButtonElement;
import org.casebridge.cases.CaseIds;
import org.casebridge.shared.RejectedMessageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a staff notification looks like in Slack. */
class SlackNotificationsTests {

    private final SlackNotifications notifications = new SlackNotifications(new ObjectMapper());

    @Test
    void plainTextBecomesAMessageWithoutButton() {
        Message message = SlackNotifications.toSlack(notifications.read("The mail server is back <ok> & running", null));
        assertThat(message.getText()).isEqualTo("The mail server is back &lt;ok&gt; &amp; running");
        assertThat(message.getBlocks()).singleElement().isInstanceOf(SectionBlock.class);
    }

    @Test
    void aNotificationAboutACaseCarriesItsSeverityAndATakeCaseButton() {
        String caseId = CaseIds.newCaseId();
        Message message = SlackNotifications.toSlack(notifications.read(
                "{\"text\": \"First response due in 30 minutes\", \"caseId\": \"" + caseId + "\", \"severity\": \"warning\"}", null));
        assertThat(message.getText()).isEqualTo(":warning: First response due in 30 minutes (case " + caseId + ")");
        assertThat(message.getBlocks()).hasSize(2);
        ActionsBlock actions = (ActionsBlock) message.getBlocks().get(1);
        ButtonElement button = (ButtonElement) actions.getElements().get(0);
        assertThat(button.getActionId()).isEqualTo(SlackInteractions.TAKE_CASE_ACTION);
        assertThat(button.getValue()).isEqualTo(caseId);
        assertThat(button.getText().getText()).isEqualTo("Take case " + caseId);
    }

    @Test
    void takesTheCaseFromTheQueuedEventsHeaderWhenTheBodyHasNone() {
        String caseId = CaseIds.newCaseId();
        assertThat(notifications.read("{\"text\": \"SLA breached\", \"severity\": \"critical\"}", caseId))
                .isEqualTo(new SlackNotifications.Notification("SLA breached", caseId, "critical"));
    }

    @Test
    void refusesANotificationWithoutText() {
        assertThatThrownBy(() -> notifications.read("{\"caseId\": \"CB-7K3M9Q\"}", null)).isInstanceOf(RejectedMessageException.class);
        assertThatThrownBy(() -> notifications.read("  ", null)).isInstanceOf(RejectedMessageException.class);
        assertThatThrownBy(() -> notifications.read("{not json", null)).isInstanceOf(RejectedMessageException.class);
    }

    @Test
    void anSlaEventFromTheQueueIsSaidInWordsWithItsSeverity() {
        String caseId = CaseIds.newCaseId();
        SlackNotifications.Notification breach = notifications.read("""
                {"eventId": "e1", "type": "sla.breached", "clock": "first-response", "caseId": "%s", "channel": "whatsapp",
                 "priority": "P2", "dueAt": "2026-11-24T10:00:00Z", "occurredAt": "2026-11-24T10:00:05Z"}
                """.formatted(caseId), null);
        assertThat(breach.text()).isEqualTo("SLA breached: first response on " + caseId + " (P2, whatsapp) was due 2026-11-24T10:00:00Z");
        Message message = SlackNotifications.toSlack(breach);
        assertThat(message.getText()).startsWith(":red_circle: SLA breached");
        assertThat(message.getBlocks()).hasSize(2);
        assertThat(SlackNotifications.toSlack(notifications.read("{\"type\": \"sla.warning\", \"caseId\": \"" + caseId + "\"}", null)).getText())
                .isEqualTo(":warning: SLA warning: response on " + caseId);
    }
}
