package org.casebridge.channel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Direction;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.replies.PlatformAnswer;
import org.casebridge.replies.PlatformCall;
import org.casebridge.replies.ReplyPlan;
import org.casebridge.replies.ReplySender;
import org.casebridge.replies.SendOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link ReplySender} of the Messenger Platform (one bean per channel: Messenger, Instagram): an outbound case
 * message becomes Send API calls ({@code routes/case-replies-to-messenger.yaml}, {@code case-replies-to-instagram.yaml}),
 * and their answers the platform's ids, or why the reply cannot go.
 * <p>
 * Meta's messaging window decides how a reply may go out: within {@code standard-window} (24 h) of the customer's last
 * message as a {@code RESPONSE}; after it, up to {@code human-agent-window} (7 days), with the {@code HUMAN_AGENT} tag
 * when the app has that permission ({@code human-agent-tag: true}); otherwise it is refused before anything is sent,
 * and the case's delivery says why (Meta would refuse it too, with error 10/2018278). A text over Meta's 2000
 * characters goes out as several messages, split between paragraphs, lines or words.
 */
public class MetaReplies implements ReplySender {

    /** Meta's limit for the text of one message. */
    static final int MAX_TEXT = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(MetaReplies.class);
    /** Graph API error codes that say "try again later" (rate limits, temporary outages). */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(1, 2, 4, 17, 32, 341, 613);
    /** Meta's code and subcode for a message outside the allowed window. */
    private static final int WINDOW_CODE = 10;
    private static final int WINDOW_SUBCODE = 2018278;

    private final Channel channel;
    private final MetaMessagingProperties properties;
    private final boolean addressCaseAccount;
    private final String defaultSender;
    private final JdbcTemplate jdbc;
    private final ThreadIndex threads;
    private final ObjectMapper mapper;
    private final Clock clock;

    /**
     * @param addressCaseAccount send from the account the customer wrote to ({@code /<account id>/messages})
     * @param defaultSender      the Graph node replies are sent from otherwise ({@code me}: the token's own account)
     */
    public MetaReplies(Channel channel, MetaMessagingProperties properties, boolean addressCaseAccount, String defaultSender,
                       JdbcTemplate jdbc, ThreadIndex threads, ObjectMapper mapper, Clock clock) {
        this.channel = channel;
        this.properties = properties;
        this.addressCaseAccount = addressCaseAccount;
        this.defaultSender = defaultSender;
        this.jdbc = jdbc;
        this.threads = threads;
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean enabled() {
        return properties.isEnabled();
    }

    /**
     * The Send API calls of the reply, one per message. A reply that can never go out (no recipient, no text, window
     * closed) is refused before anything is sent.
     */
    @Override
    public ReplyPlan plan(Case value, String recipient) {
        String text = value.body() == null ? null : value.body().text();
        if (text == null || text.isBlank()) {
            return new SendOutcome.Refused("empty-reply", "A " + channel.wireName() + " reply needs text; reply " + value.messageId() + " has none");
        }
        Window window = window(value.caseId(), recipient);
        // only Content-Type and the token reach Meta as HTTP headers (the endpoint's header filter metaSendHeaders)
        Map<String, Object> headers = Map.of(Exchange.HTTP_METHOD, "POST", Exchange.HTTP_PATH, "/" + sender(value) + "/messages",
                Exchange.CONTENT_TYPE, "application/json", "Authorization", "Bearer " + properties.token());
        List<PlatformCall> calls = new ArrayList<>();
        for (String part : split(text.strip(), MAX_TEXT)) {
            ObjectNode request = mapper.createObjectNode();
            request.putObject("recipient").put("id", recipient);
            request.put("messaging_type", window.messagingType());
            if (window.tag() != null) {
                request.put("tag", window.tag());
            }
            request.putObject("message").put("text", part);
            calls.add(new PlatformCall(request.toString(), headers));
        }
        if (window.tag() != null) {
            LOG.info("Reply {} to case {} goes out after {}'s standard window, tagged {}", value.messageId(), value.caseId(),
                    channel.wireName(), window.tag());
        }
        return new ReplyPlan.Calls(calls);
    }

    /**
     * The answer's {@code message_id} (the last part's is kept on the outbound message; every part's joins the case,
     * so the customer's answer to any of them finds it). A refusal that cannot change on a retry is refused; rate
     * limits, Meta's transient errors and 5xx are redelivered.
     */
    @Override
    public SendOutcome answer(Case value, PlatformCall call, PlatformAnswer answered) {
        int status = answered.status();
        String answer = answered.text();
        JsonNode json = readJson(answer);
        if (status / 100 == 2) {
            String id = json.path("message_id").asText(null);
            if (id == null || id.isBlank()) {
                LOG.warn("{} took the message but answered without a message_id: {}", channel.wireName(), abbreviate(answer));
                return new SendOutcome.Sent(null);
            }
            threads.recordRef(id, value.caseId(), value.messageId(), Direction.OUTBOUND);
            return new SendOutcome.Sent(id);
        }
        JsonNode error = json.path("error");
        int code = error.path("code").asInt(-1);
        int subcode = error.path("error_subcode").asInt(-1);
        String detail = channel.wireName() + " Send API answered HTTP " + status
                + (error.isObject() ? ": " + error.path("message").asText("") + " (code " + code + (subcode > 0 ? ", subcode " + subcode : "") + ")"
                : ": " + abbreviate(answer));
        if (status == 429 || status >= 500 || status == 408 || error.path("is_transient").asBoolean(false) || TRANSIENT_CODES.contains(code)) {
            return new SendOutcome.Failed(detail);
        }
        if (code == WINDOW_CODE && subcode == WINDOW_SUBCODE) {
            return new SendOutcome.Refused("messaging-window-closed", detail + "; the customer's messaging window is closed");
        }
        return new SendOutcome.Refused(channel.wireName() + "-refused", detail);
    }

    /** How a reply may go out now: the messaging type and tag, by the customer's last message. */
    record Window(String messagingType, String tag) {
    }

    Window window(String caseId, String recipient) {
        return window(channel, properties, lastCustomerMessage(caseId, recipient), clock.instant());
    }

    /**
     * How a reply may go out at {@code now} when the customer last wrote at {@code last} (null: never on this
     * channel), or a {@link RejectedMessageException} saying why it may not.
     */
    static Window window(Channel channel, MetaMessagingProperties properties, Instant last, Instant now) {
        Duration since = last == null ? null : Duration.between(last, now);
        if (since != null && since.compareTo(properties.getStandardWindow()) <= 0) {
            return new Window("RESPONSE", null);
        }
        if (since != null && properties.isHumanAgentTag() && since.compareTo(properties.getHumanAgentWindow()) <= 0) {
            return new Window("MESSAGE_TAG", "HUMAN_AGENT");
        }
        String when = last == null ? "never wrote on " + channel.wireName()
                : "last wrote at " + last + ", " + since.toHours() + " hours ago";
        throw new RejectedMessageException("messaging-window-closed", "Not sent: the customer " + when + ", outside "
                + channel.wireName() + "'s " + describe(properties.getStandardWindow()) + " messaging window"
                + (properties.isHumanAgentTag() ? " and the " + describe(properties.getHumanAgentWindow()) + " the HUMAN_AGENT tag allows"
                : " (replies up to 7 days are possible with casebridge.channels." + channel.wireName() + ".human-agent-tag)")
                + ". Answer on another channel, or wait for the customer to write again.");
    }

    /** When the customer last wrote on this channel, on this case or another one of theirs. */
    private Instant lastCustomerMessage(String caseId, String recipient) {
        OffsetDateTime last = jdbc.queryForObject("select max(m.received_at) from cb_message m where m.direction = 'inbound'"
                        + " and m.channel = ? and (m.case_id = ? or m.case_id in (select p.case_id from cb_case_participant p"
                        + " where p.channel = ? and p.address = ?))", OffsetDateTime.class, channel.wireName(), caseId,
                channel.wireName(), recipient);
        return last == null ? null : last.toInstant();
    }

    /**
     * The Graph node the reply goes out from: for Instagram the account the customer wrote to (the inbound case's
     * {@code source.system}, {@code instagram:<id>}); for Messenger, and when the case names none, the default.
     */
    private String sender(Case value) {
        String system = value.source() == null ? null : value.source().system();
        String prefix = channel.wireName() + ":";
        if (addressCaseAccount && system != null && system.startsWith(prefix) && system.substring(prefix.length()).matches("[0-9]{1,30}")) {
            return system.substring(prefix.length());
        }
        return defaultSender;
    }

    /** {@code text} in parts of at most {@code max} characters, cut at a paragraph, line or word where there is one. */
    static List<String> split(String text, int max) {
        List<String> parts = new ArrayList<>();
        String rest = text;
        while (rest.length() > max) {
            int cut = rest.lastIndexOf("\n\n", max);
            if (cut < max / 2) {
                cut = rest.lastIndexOf('\n', max);
            }
            if (cut < max / 2) {
                cut = rest.lastIndexOf(' ', max);
            }
            if (cut < max / 2) {
                cut = Character.isHighSurrogate(rest.charAt(max - 1)) ? max - 1 : max;
            }
            parts.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isEmpty()) {
            parts.add(rest);
        }
        return parts;
    }

    private JsonNode readJson(String answer) {
        if (answer == null || answer.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(answer);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private static String describe(Duration duration) {
        if (duration.toDays() >= 2 && duration.toHours() % 24 == 0) {
            return duration.toDays() + " days";
        }
        if (duration.toHours() >= 1) {
            return duration.toHours() + "-hour";
        }
        return Math.max(1, duration.toMinutes()) + "-minute";
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= 300 ? value : value.substring(0, 300) + "…";
    }
}
