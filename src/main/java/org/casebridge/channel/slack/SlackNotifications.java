package org.casebridge.channel.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.model.Message;
import com.slack.api.model.block.LayoutBlock;
import org.apache.camel.Exchange;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedMessageException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

/**
 * Translator from a staff notification ({@code direct:notify-slack}: plain text, or JSON
 * {@code {"text": ..., "caseId": ..., "severity": "info|warning|critical"}}) to the Slack message camel-slack posts:
 * the text with a severity mark, and for a notification about a case, a "Take case" button whose press
 * {@link SlackInteractions} records.
 */
@Component("slackNotifications")
public class SlackNotifications {

    private final ObjectMapper mapper;

    public SlackNotifications(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A notification, read. */
    record Notification(String text, String caseId, String severity) {
    }

    /** Route step: the notification in the body becomes a {@link Message} for camel-slack. */
    public void compose(Exchange exchange) {
        org.apache.camel.Message message = exchange.getMessage();
        Notification notification = read(message.getBody(String.class), message.getHeader(CaseHeaders.CASE_ID, String.class));
        message.setBody(toSlack(notification));
    }

    /** Plain text, or the JSON form; a case id from the JSON, else from the CasebridgeCaseId header of a queued event. */
    Notification read(String body, String caseHeader) {
        if (body == null || body.isBlank()) {
            throw new RejectedMessageException("invalid-notification", "A staff notification needs a text");
        }
        String trimmed = body.strip();
        if (!trimmed.startsWith("{")) {
            return new Notification(trimmed, SlackInteractions.caseReference(caseHeader), "info");
        }
        JsonNode json;
        try {
            json = mapper.readTree(trimmed);
        } catch (IOException e) {
            throw new RejectedMessageException("invalid-notification", "A staff notification in JSON could not be read: " + e.getMessage());
        }
        String text = json.path("text").asText("").strip();
        String caseId = SlackInteractions.caseReference(json.path("caseId").asText(caseHeader));
        String type = json.path("type").asText("");
        if (text.isEmpty() && type.startsWith("sla.")) {
            // an SLA event as published on casebridge.sla.events: said in words
            return new Notification(slaText(json, type, caseId), caseId, type);
        }
        if (text.isEmpty()) {
            throw new RejectedMessageException("invalid-notification", "A staff notification needs a non-empty \"text\"");
        }
        String severity = json.path("severity").asText("info").toLowerCase(Locale.ROOT);
        return new Notification(text, caseId, severity);
    }

    /** {@code SLA breached: first response on CB-7K3M9Q (P2, email) was due 2026-11-24T10:00:00Z}. */
    static String slaText(JsonNode event, String type, String caseId) {
        String what = "sla.breached".equals(type) ? "SLA breached" : "sla.warning".equals(type) ? "SLA warning" : type;
        String clock = event.path("clock").asText("").replace('-', ' ').replace('_', ' ');
        StringBuilder text = new StringBuilder(what).append(": ").append(clock.isBlank() ? "response" : clock)
                .append(" on ").append(caseId == null ? "a case" : caseId);
        String priority = event.path("priority").asText("");
        String channel = event.path("channel").asText("");
        if (!priority.isEmpty() || !channel.isEmpty()) {
            text.append(" (").append(String.join(", ", java.util.stream.Stream.of(priority, channel).filter(v -> !v.isEmpty()).toList())).append(')');
        }
        if (event.hasNonNull("dueAt")) {
            text.append("sla.breached".equals(type) ? " was due " : " is due ").append(event.get("dueAt").asText());
        }
        return text.toString();
    }

    /** The Slack message: mark, text and case in one section, and the "Take case" button when there is a case. */
    static Message toSlack(Notification notification) {
        String mark = switch (notification.severity()) {
            case "critical", "breached", "sla.breached" -> ":red_circle: ";
            case "warning", "sla.warning" -> ":warning: ";
            default -> "";
        };
        String text = mark + SlackInteractions.escape(notification.text())
                + (notification.caseId() == null || notification.text().contains(notification.caseId()) ? "" : " (case " + notification.caseId() + ")");
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(text))));
        if (notification.caseId() != null) {
            blocks.add(actions(a -> a.blockId("casebridge_case_" + notification.caseId()).elements(List.of(
                    button(b -> b.actionId(SlackInteractions.TAKE_CASE_ACTION).value(notification.caseId())
                            .text(plainText("Take case " + notification.caseId())))))));
        }
        Message slack = new Message();
        // the text is the fallback for notifications and screen readers; the blocks are what the channel shows
        slack.setText(text);
        slack.setBlocks(blocks);
        return slack;
    }
}
