package org.casebridge.channel.webchat;

import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.Channel;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.channel.chat.DeliveryReceipt;
import org.casebridge.channel.chat.DeliveryReceipts;
import org.casebridge.replies.PlatformAnswer;
import org.casebridge.replies.PlatformCall;
import org.casebridge.replies.ReplyPlan;
import org.casebridge.replies.ReplySender;
import org.casebridge.replies.SendOutcome;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

/**
 * The web chat {@link ReplySender}, and the replies waiting for visitors ({@code cb_webchat_event}): a reply is stored
 * there, and whichever instance holds the visitor's stream sends it ({@link WebchatStreams}). The database, not an
 * instance's memory, is the truth, so a visitor offline now gets the reply when they come back, on any instance.
 */
@Component("webchatOutbox")
public class WebchatOutbox implements ReplySender {

    private final JdbcTemplate jdbc;
    private final WebchatVisitors visitors;
    private final DeliveryReceipts receipts;
    private final WebchatProperties properties;
    private final Clock clock;

    public WebchatOutbox(JdbcTemplate jdbc, WebchatVisitors visitors, DeliveryReceipts receipts, WebchatProperties properties, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.visitors = visitors;
        this.receipts = receipts;
        this.properties = properties;
    }

    @Override
    public Channel channel() {
        return Channel.WEBCHAT;
    }

    @Override
    public boolean enabled() {
        return properties.isEnabled();
    }

    /**
     * Stores the reply for its visitor, no platform call needed, and names it for receipts by its message id. A reply
     * to a visitor the bridge no longer knows can never be delivered: refused, shown on the case.
     */
    @Override
    public ReplyPlan plan(Case value, String visitorId) {
        if (!visitors.exists(visitorId)) {
            return new SendOutcome.Refused("visitor-gone", "Web chat visitor " + visitorId + " of case " + value.caseId()
                    + " is no longer known (not seen within casebridge.channels.webchat.visitor-retention)");
        }
        String system = value.source() == null ? null : value.source().system();
        String siteId = system != null && system.startsWith("webchat:") ? system.substring("webchat:".length()) : "default";
        String text = value.body() == null || value.body().text() == null ? "" : value.body().text();
        try {
            jdbc.update("insert into cb_webchat_event (message_id, visitor_id, site_id, case_id, kind, body_text, created_at)"
                            + " values (?, ?, ?, ?, ?, ?, ?)", value.messageId(), visitorId, siteId, value.caseId(), value.kind().wireName(),
                    text, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
        } catch (DuplicateKeyException redelivered) {
            // stored by an earlier attempt that did not get as far as marking it sent: the visitor sees it once
        }
        return new SendOutcome.Sent(value.messageId());
    }

    /** Never called: a web chat reply needs no platform call. */
    @Override
    public SendOutcome answer(Case value, PlatformCall call, PlatformAnswer answer) {
        throw new IllegalStateException("A web chat reply makes no platform call");
    }

    /** A reply for a visitor, as the stream sends it. */
    record Event(long seq, String messageId, String visitorId, String caseId, String kind, String text, Instant createdAt,
                 boolean delivered) {
    }

    /**
     * Replies for {@code visitorIds} that are sent on the case (the reply flow marked them sent) and either not yet
     * delivered or newer than {@code afterSeq}, in order.
     */
    List<Event> pending(Collection<String> visitorIds, long afterSeq) {
        if (visitorIds.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", java.util.Collections.nCopies(visitorIds.size(), "?"));
        Object[] args = new Object[visitorIds.size() + 1];
        int i = 0;
        for (String id : visitorIds) {
            args[i++] = id;
        }
        args[i] = afterSeq;
        return jdbc.query("select e.seq, e.message_id, e.visitor_id, e.case_id, e.kind, e.body_text, e.created_at, e.delivered_at"
                        + " from cb_webchat_event e join cb_message m on m.message_id = e.message_id"
                        + " where m.delivery_state = 'published' and e.visitor_id in (" + marks + ")"
                        + " and (e.delivered_at is null or e.seq > ?) order by e.seq",
                (rs, n) -> new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getObject(8) != null), args);
    }

    /** The newest reply id of the visitor, 0 when none: where a stream without Last-Event-ID starts. */
    long latestSeq(String visitorId) {
        Long seq = jdbc.queryForObject("select max(seq) from cb_webchat_event where visitor_id = ?", Long.class, visitorId);
        return seq == null ? 0 : seq;
    }

    /** The stream wrote the reply to the visitor's browser: delivered, on the case too. */
    void markDelivered(Event event) {
        Instant now = clock.instant();
        if (jdbc.update("update cb_webchat_event set delivered_at = ? where seq = ? and delivered_at is null",
                OffsetDateTime.ofInstant(now, ZoneOffset.UTC), event.seq()) > 0) {
            receipts.apply(new DeliveryReceipt(Channel.WEBCHAT, event.messageId(), DeliveryReceipt.DELIVERED, now, null));
        }
    }

    /** The widget showed the visitor these replies: read, on the case too. Only the visitor's own replies count. */
    int markRead(String visitorId, Collection<String> messageIds) {
        Instant now = clock.instant();
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        int changed = 0;
        for (String messageId : messageIds) {
            if (jdbc.update("update cb_webchat_event set read_at = ?, delivered_at = coalesce(delivered_at, ?)"
                    + " where message_id = ? and visitor_id = ? and read_at is null", at, at, messageId, visitorId) > 0) {
                receipts.apply(new DeliveryReceipt(Channel.WEBCHAT, messageId, DeliveryReceipt.READ, now, null));
                changed++;
            }
        }
        return changed;
    }

    /** Forgets replies stored before {@code before}. Returns how many. */
    public int forgetEventsBefore(Instant before) {
        return jdbc.update("delete from cb_webchat_event where created_at < ?", OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
    }
}
