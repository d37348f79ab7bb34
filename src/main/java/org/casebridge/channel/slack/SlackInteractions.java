package org.casebridge.channel.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatIntake;
import org.casebridge.channel.chat.ChatProperties;
import org.casebridge.channel.chat.WebhookEventLog;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.shared.RejectedRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.casebridge.shared.JdbcValues.truncate;

/**
 * The staff side of Slack, for {@code routes/slack-webhook-to-staff-actions.yaml}: checks Slack's v0 signature,
 * answers the {@code url_verification} handshake, and records what staff did through the app: Events API events,
 * button presses (the "Take case" button of a notification records who took the case) and the {@code /casebridge}
 * slash command, which answers with the case's status, visible only to the person who asked.
 * <p>
 * Slack is not a customer channel: nothing that arrives here ever becomes a case message.
 */
@Component("slackInteractions")
public class SlackInteractions {

    /** The action id of the "Take case" button that {@link SlackNotifications} puts on a notification about a case. */
    public static final String TAKE_CASE_ACTION = "casebridge_take_case";

    private static final Logger LOG = LoggerFactory.getLogger(SlackInteractions.class);
    private static final Pattern CASE_REFERENCE = Pattern.compile("(?i)\\bCB-[0-9A-Z]{4,12}\\b");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.UK).withZone(ZoneOffset.UTC);

    private final SlackRequestVerifier verifier;
    private final JdbcTemplate jdbc;
    private final WebhookEventLog events;
    private final ObjectMapper mapper;
    private final Clock clock;

    public SlackInteractions(SlackProperties properties, ChatProperties chat, Clock clock, JdbcTemplate jdbc,
                             WebhookEventLog events, ObjectMapper mapper) {
        this.verifier = new SlackRequestVerifier(properties.getSigningSecret(), clock, chat.getSignatureMaxAge());
        this.clock = clock;
        this.jdbc = jdbc;
        this.events = events;
        this.mapper = mapper;
    }

    /** What one call was: its kind ({@code event}, {@code interaction}, {@code command}), type, who, and about which case. */
    record Interaction(String kind, String type, String slackEventId, String teamId, String userId, String userName,
                       String caseId, String action) {
    }

    /**
     * Route step, before anything is stored: the signature and timestamp check (401 otherwise, logged without the
     * body), then the {@code url_verification} handshake answered at once (exchange property
     * {@code CasebridgeWebhookHandshake}).
     */
    public void verify(Exchange exchange) throws java.io.IOException {
        Message message = exchange.getMessage();
        byte[] body = ChatIntake.rawBody(message);
        body = body == null ? new byte[0] : body;
        message.setBody(body);
        try {
            verifier.verify(message.getHeader("X-Slack-Request-Timestamp", String.class), message.getHeader("X-Slack-Signature", String.class), body);
        } catch (WebhookSignatureException e) {
            LOG.warn("Refused slack webhook call from {}: {} ({} bytes, body not kept)",
                    message.getHeader("CamelHttpRemoteAddress", message.getHeader("X-Forwarded-For"), String.class), e.getMessage(), body.length);
            throw e;
        }
        if (!isForm(message)) {
            JsonNode json = json(body);
            if ("url_verification".equals(json.path("type").asText())) {
                answer(message, 200, "application/json", "{\"challenge\":" + quote(json.path("challenge").asText("")) + "}");
                exchange.setProperty(ChatIntake.HANDSHAKE, true);
            }
        }
    }

    /**
     * Route step after the call is archived: records it (once: Slack's retries of the same event or trigger find the
     * stored row) and answers: the case status for the slash command, an empty 200 for everything else.
     */
    public void handle(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        String rawRef = message.getHeader(CaseHeaders.RAW_REF, String.class);
        Interaction interaction;
        String commandText = null;
        if (isForm(message)) {
            Map<String, String> form = new LinkedHashMap<>();
            WebhookRequest.parseForm(new String(body, StandardCharsets.UTF_8)).forEach(pair -> form.putIfAbsent(pair.getKey(), pair.getValue()));
            if (form.containsKey("payload")) {
                interaction = interaction(json(form.get("payload").getBytes(StandardCharsets.UTF_8)));
            } else if (form.containsKey("command")) {
                commandText = form.getOrDefault("text", "");
                interaction = new Interaction("command", form.get("command"), blankToNull(form.get("trigger_id")) == null ? null : "trigger:" + form.get("trigger_id"),
                        form.get("team_id"), form.get("user_id"), form.get("user_name"), caseReference(commandText), "status");
            } else {
                throw new RejectedRequestException(400, "invalid-payload", "Invalid Slack payload",
                        "A form-encoded Slack call carries either payload (an interaction) or command (a slash command).");
            }
        } else {
            interaction = event(json(body));
        }
        boolean first = store(interaction, rawRef);
        if (first) {
            events.record(Channel.SLACK, interaction.type(), "take-case".equals(interaction.action()) ? "acted" : "recorded",
                    "staff " + interaction.kind() + " from " + (interaction.userId() == null ? "an unnamed user" : interaction.userId())
                            + (interaction.caseId() == null ? "" : " on case " + interaction.caseId())
                            + (interaction.action() == null ? "" : " (" + interaction.action() + ")"), rawRef);
            if ("take-case".equals(interaction.action())) {
                LOG.info("Case {} taken by {} ({}) in Slack", interaction.caseId(), interaction.userName(), interaction.userId());
            }
        } else {
            LOG.debug("Slack delivered {} {} again: recorded before", interaction.kind(), interaction.slackEventId());
        }
        if ("command".equals(interaction.kind())) {
            answer(message, 200, "application/json", ephemeral(status(interaction.caseId(), commandText, interaction.type())));
        } else {
            answer(message, 200, null, "");
        }
    }

    /** An Events API call: {@code event_callback} with its inner event, {@code app_rate_limited}, or anything Slack adds. */
    private static Interaction event(JsonNode root) {
        JsonNode event = root.path("event");
        String outer = root.path("type").asText("");
        String type = event.path("type").isTextual() && !event.path("type").asText().isBlank() ? event.path("type").asText()
                : outer.isBlank() ? "unknown" : outer;
        String user = event.path("user").isTextual() ? event.path("user").asText() : event.path("user").path("id").asText(null);
        String text = event.path("text").isTextual() ? event.path("text").asText() : null;
        return new Interaction("event", type, blankToNull(root.path("event_id").asText(null)), blankToNull(root.path("team_id").asText(null)),
                blankToNull(user), null, caseReference(text), null);
    }

    /** An interactive payload: a button press, a shortcut, a modal submitted. The "Take case" button is an action. */
    private static Interaction interaction(JsonNode payload) {
        String type = payload.path("type").asText("");
        JsonNode user = payload.path("user");
        String userName = user.path("username").asText(user.path("name").asText(null));
        JsonNode action = payload.path("actions").path(0);
        String actionId = action.path("action_id").asText(null);
        String caseId = null;
        String recorded = blankToNull(actionId);
        if (TAKE_CASE_ACTION.equals(actionId)) {
            caseId = caseReference(action.path("value").asText(null));
            recorded = caseId == null ? actionId : "take-case";
        }
        String trigger = blankToNull(payload.path("trigger_id").asText(null));
        String actionTs = blankToNull(action.path("action_ts").asText(null));
        String eventId = trigger != null ? "trigger:" + trigger : actionTs != null ? "action:" + actionTs : null;
        return new Interaction("interaction", type.isBlank() ? "unknown" : type, eventId, blankToNull(payload.path("team").path("id").asText(null)),
                blankToNull(user.path("id").asText(null)), blankToNull(userName), caseId, recorded);
    }

    /** Stores the interaction; false when Slack delivered the same event or trigger before. */
    private boolean store(Interaction interaction, String rawRef) {
        try {
            jdbc.update("insert into cb_slack_interaction (interaction_id, received_at, kind, event_type, slack_event_id, team_id, user_id,"
                            + " user_name, case_id, action, raw_ref) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    UUID.randomUUID().toString(), OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), interaction.kind(),
                    truncate(interaction.type(), 128), truncate(interaction.slackEventId(), 255), truncate(interaction.teamId(), 64),
                    truncate(interaction.userId(), 64), truncate(interaction.userName(), 256), interaction.caseId(),
                    truncate(interaction.action(), 128), rawRef);
            return true;
        } catch (DuplicateKeyException repeated) {
            return false;
        }
    }

    /** The slash command's answer: the case's status, or how to use the command. */
    String status(String caseId, String text, String command) {
        String name = command == null || command.isBlank() ? "/casebridge" : command;
        if (caseId == null) {
            return text != null && !text.isBlank()
                    ? "`" + escape(text.strip()) + "` is not a case reference. Usage: `" + name + " CB-XXXXXX` shows the case's status."
                    : "Usage: `" + name + " CB-XXXXXX` shows the case's status.";
        }
        List<Map<String, Object>> rows = jdbc.queryForList("select case_id, channel, status, subject, priority, first_response_due, updated_at"
                + " from cb_case where case_id = ?", caseId);
        if (rows.isEmpty()) {
            return "No case " + caseId + ".";
        }
        Map<String, Object> row = rows.get(0);
        StringBuilder answer = new StringBuilder("*").append(caseId).append("* · ").append(row.get("status")).append(" · ")
                .append(row.get("channel")).append(" · ").append(row.get("priority"));
        if (row.get("subject") != null) {
            answer.append("\n>").append(escape(String.valueOf(row.get("subject"))));
        }
        answer.append("\nLast activity ").append(time(row.get("updated_at")));
        if (row.get("first_response_due") != null) {
            answer.append(" · first response due ").append(time(row.get("first_response_due")));
        }
        Optional<Map<String, Object>> taken = jdbc.queryForList("select user_id, user_name from cb_slack_interaction where case_id = ?"
                + " and action = 'take-case' order by received_at desc", caseId).stream().findFirst();
        taken.ifPresent(t -> answer.append(" · taken by ").append(t.get("user_id") != null ? "<@" + t.get("user_id") + ">" : t.get("user_name")));
        return answer.toString();
    }

    private String ephemeral(String text) {
        try {
            return mapper.writeValueAsString(Map.of("response_type", "ephemeral", "text", text));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String time(Object value) {
        if (value instanceof OffsetDateTime time) {
            return TIME.format(time);
        }
        if (value instanceof java.sql.Timestamp time) {
            return TIME.format(time.toInstant());
        }
        return String.valueOf(value);
    }

    /** The first case reference in {@code text}, upper-case, when it is one. */
    static String caseReference(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = CASE_REFERENCE.matcher(text);
        while (matcher.find()) {
            String candidate = matcher.group().toUpperCase(Locale.ROOT);
            if (CaseIds.isCaseId(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Slack's mrkdwn needs only these three escaped. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private JsonNode json(byte[] body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new RejectedRequestException(400, "invalid-payload", "Invalid Slack payload", "The body is not a JSON object: " + e.getMessage());
        }
    }

    private String quote(String value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the call is form-encoded (an interaction or a slash command) rather than JSON (the Events API): by its
     * Content-Type, or, without one, by the body, which for JSON starts with '{'.
     */
    private static final String FORM = "application/x-www-form-urlencoded";

    private static boolean isForm(Message message) {
        String type = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return true;
        }
        if (type != null && type.toLowerCase(Locale.ROOT).contains("json")) {
            return false;
        }
        byte[] body = message.getBody(byte[].class);
        for (byte b : body == null ? new byte[0] : body) {
            if (!Character.isWhitespace(b)) {
                return b != '{';
            }
        }
        return false;
    }

    private static void answer(Message message, int status, String contentType, String body) {
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (contentType != null) {
            message.setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        message.setBody(body);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
