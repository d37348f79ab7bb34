package org.casebridge.channel.twitter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.replies.ReplyHeaders;
import org.casebridge.cases.Channel;
import org.casebridge.replies.PlatformAnswer;
import org.casebridge.replies.PlatformCall;
import org.casebridge.replies.ReplyPlan;
import org.casebridge.replies.ReplySender;
import org.casebridge.replies.SendOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The X {@link ReplySender}: an outbound Case on an X case becomes the X API call of
 * {@code routes/case-replies-to-twitter.yaml}, and X's answer the platform id of the message sent.
 * <p>
 * A direct message case is answered by DM ({@code POST /2/dm_conversations/with/{participant}/messages}). A case whose
 * latest customer message was a public mention is answered as {@code casebridge.channels.twitter.reply-to-mentions}
 * says: {@code dm} (the default) sends a DM, and only when X refuses it (the customer does not accept DMs from the
 * account) posts a public reply; {@code public} always posts the public reply. A public reply ({@code POST /2/tweets}
 * with {@code reply.in_reply_to_tweet_id}) names the case reference and invites a DM, and never carries the back
 * office's text: whatever the case says stays private.
 */
@Component("twitterReplies")
public class TwitterReplies implements ReplySender {

    private static final Logger LOG = LoggerFactory.getLogger(TwitterReplies.class);

    private final TwitterProperties properties;
    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;

    public TwitterReplies(TwitterProperties properties, JdbcTemplate jdbc, ObjectMapper mapper) {
        this.properties = properties;
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /** What goes to X: a DM to {@code participant}, or a public reply to {@code tweetId}. */
    record Call(Kind kind, String participant, String tweetId, boolean mention) {
        enum Kind { DM, PUBLIC_REPLY }
    }

    @Override
    public Channel channel() {
        return Channel.TWITTER;
    }

    @Override
    public boolean enabled() {
        return properties.isEnabled();
    }

    /** The X API request for the reply: path, JSON body and bearer token. */
    @Override
    public ReplyPlan plan(Case value, String participant) {
        String token = properties.getUserAccessToken();
        if (token == null || token.isBlank()) {
            // a setting can be fixed: redelivered, then dead-lettered with this reason
            return new SendOutcome.Failed("No X user access token is configured (casebridge.channels.twitter.user-access-token)");
        }
        String latest = jdbc.queryForList("select external_id from cb_message where case_id = ? and direction = 'inbound'"
                        + " and channel = 'twitter' order by received_at desc", String.class, value.caseId())
                .stream().filter(id -> id != null).findFirst().orElse(null);
        return ReplyPlan.Calls.of(request(call(participant, latest, properties.getReplyToMentions()), value));
    }

    /**
     * The call for a reply to {@code participant} on a case whose latest customer message had the platform id
     * {@code latestInbound}: a DM, unless that message was a public mention and {@code mode} is {@code public}.
     */
    static Call call(String participant, String latestInbound, TwitterProperties.MentionReplies mode) {
        boolean mention = latestInbound != null && latestInbound.startsWith(TwitterPlatform.TWEET_PREFIX);
        String tweetId = mention ? latestInbound.substring(TwitterPlatform.TWEET_PREFIX.length()) : null;
        return mention && mode == TwitterProperties.MentionReplies.PUBLIC
                ? new Call(Call.Kind.PUBLIC_REPLY, participant, tweetId, true)
                : new Call(Call.Kind.DM, participant, tweetId, mention);
    }

    private PlatformCall request(Call call, Case value) {
        Map<String, Object> body = new LinkedHashMap<>();
        String path;
        if (call.kind() == Call.Kind.DM) {
            path = "/2/dm_conversations/with/" + call.participant() + "/messages";
            body.put("text", value.body().text());
        } else {
            path = "/2/tweets";
            body.put("text", publicText(value));
            body.put("reply", Map.of("in_reply_to_tweet_id", call.tweetId()));
        }
        try {
            return new PlatformCall(mapper.writeValueAsString(body), Map.of(Exchange.HTTP_PATH, path, Exchange.HTTP_METHOD, "POST",
                    Exchange.CONTENT_TYPE, "application/json", "Authorization", "Bearer " + properties.getUserAccessToken().strip()), call);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public reply to a mention: the reference and an invitation to write privately, nothing of the case. */
    static String publicText(Case value) {
        String handle = value.customer().handle();
        return (handle == null ? "" : "@" + handle + " ") + "We have replied to your message under reference " + value.caseId()
                + ". Please send us a direct message quoting it, so we can continue privately.";
    }

    /**
     * X's id for the message. A refused DM on a mention case (X answers 403) makes the public reply due instead;
     * other refusals that will never succeed (400, 403, 404) are refused; 401, 429 and 5xx are redelivered.
     */
    @Override
    public SendOutcome answer(Case value, PlatformCall request, PlatformAnswer answer) {
        int status = answer.status();
        String response = answer.text();
        Call call = (Call) request.context();
        if (status / 100 == 2) {
            String id = platformId(response, call);
            if (id == null) {
                LOG.warn("X accepted reply {} on case {} but named no id for it: its receipts cannot be matched",
                        value.messageId(), value.caseId());
            }
            return new SendOutcome.Sent(id);
        }
        String reason = "X answered HTTP " + status + " to " + (call.kind() == Call.Kind.DM ? "the direct message" : "the public reply")
                + ": " + detail(response);
        if (status == 403 && call.kind() == Call.Kind.DM && call.mention()) {
            LOG.info("Case {}: {}; replying publicly to tweet {} with the reference only", value.caseId(), reason, call.tweetId());
            return new SendOutcome.Next(request(new Call(Call.Kind.PUBLIC_REPLY, call.participant(), call.tweetId(), true), value));
        }
        if (status == 400 || status == 403 || status == 404) {
            return new SendOutcome.Refused("twitter-refused", reason);
        }
        return new SendOutcome.Failed(reason);
    }

    private String platformId(String response, Call call) {
        try {
            JsonNode data = mapper.readTree(response == null ? "{}" : response).path("data");
            String id = call.kind() == Call.Kind.DM ? data.path("dm_event_id").asText(null) : data.path("id").asText(null);
            return id == null || id.isBlank() ? null : id;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** X's reason from a problem answer ({@code detail}/{@code title}, or the v1.1 {@code errors} list), shortened. */
    private String detail(String response) {
        if (response == null || response.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode node = mapper.readTree(response);
            String detail = node.path("detail").asText(node.path("title").asText(""));
            if (detail.isEmpty() && node.path("errors").isArray() && !node.path("errors").isEmpty()) {
                JsonNode first = node.path("errors").get(0);
                detail = first.path("message").asText(first.path("detail").asText(""));
            }
            if (!detail.isEmpty()) {
                return detail;
            }
        } catch (JsonProcessingException e) {
            // not JSON: the text itself
        }
        return response.length() > 300 ? response.substring(0, 300) + "…" : response;
    }
}
