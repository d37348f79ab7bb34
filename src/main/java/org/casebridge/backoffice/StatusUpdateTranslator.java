package org.casebridge.backoffice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.MessageKind;
import org.casebridge.shared.RejectedMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.casebridge.shared.JdbcValues.truncate;

/**
 * Translator from a back-office {@link StatusUpdate} to a reply on {@code casebridge.replies} of kind
 * {@code status-update}, so it reaches the customer on the case's channel exactly like a human answer.
 * <p>
 * The reply id is derived from the update (the system and its update id, or the case, reference and text when the
 * system gives no id): the same update read twice, from a file dropped again or a message sent again, has the same
 * reply id, and the reply flow stores one message per id and never sends one twice. An update whose reply is on the
 * case already is dropped here.
 */
@Component("statusUpdateTranslator")
public class StatusUpdateTranslator {

    private static final Logger LOG = LoggerFactory.getLogger(StatusUpdateTranslator.class);
    /** JMS type of a reply on casebridge.replies (replies.ReplyHeaders.JMS_TYPE). */
    private static final String REPLY_JMS_TYPE = "casebridge.reply.v1";
    private static final String REPLY_ID_HEADER = "CasebridgeReplyId";
    private static final int MAX_TEXT = 100_000;

    private final ObjectMapper mapper;
    private final ObjectReader reader;
    private final JdbcTemplate jdbc;

    StatusUpdateTranslator(ObjectMapper mapper, JdbcTemplate jdbc) {
        this.mapper = mapper;
        this.reader = mapper.readerFor(StatusUpdate.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.jdbc = jdbc;
    }

    /**
     * Route step: the status update in the body becomes the reply JSON with the reply's headers, and
     * {@link BackofficeHeaders#DUPLICATE_UPDATE} says whether it was turned into a message before. An update that can
     * never be delivered (not JSON, no case id, no text) is a {@link RejectedMessageException}.
     */
    public void translate(Exchange exchange) throws InvalidPayloadException {
        Message message = exchange.getMessage();
        StatusUpdate update;
        try {
            update = reader.readValue(message.getMandatoryBody(String.class));
        } catch (JsonProcessingException e) {
            throw new RejectedMessageException("invalid-status-update", "The status update is not valid JSON of the expected form: " + e.getOriginalMessage());
        }
        String caseId = update.caseId() == null ? null : update.caseId().strip().toUpperCase(Locale.ROOT);
        if (!CaseIds.isCaseId(caseId)) {
            throw new RejectedMessageException("invalid-status-update", "The status update names no valid case id: '" + update.caseId() + "'");
        }
        if (update.text() == null || update.text().isBlank() || update.text().length() > MAX_TEXT) {
            throw new RejectedMessageException("invalid-status-update", "The status update for case " + caseId + " has no text or more than " + MAX_TEXT + " characters");
        }
        String replyId = replyId(update, caseId);
        boolean duplicate = !jdbc.queryForList("select 1 from cb_message where message_id = ?", Integer.class, replyId).isEmpty();
        if (duplicate) {
            LOG.info("Status update {} for case {} was received before: not sent again", replyId, caseId);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("caseId", caseId);
        reply.put("replyId", replyId);
        reply.put("text", update.text().strip());
        reply.put("html", null);
        reply.put("author", null);
        reply.put("kind", MessageKind.STATUS_UPDATE.wireName());
        reply.put("reference", update.reference() == null || update.reference().isBlank() ? null : truncate(update.reference().strip(), 255));
        Map<String, Object> headers = message.getHeaders();
        headers.clear();
        headers.put(CaseHeaders.CASE_ID, caseId);
        headers.put(REPLY_ID_HEADER, replyId);
        headers.put(CaseHeaders.KIND, MessageKind.STATUS_UPDATE.wireName());
        headers.put(BackofficeHeaders.DUPLICATE_UPDATE, duplicate);
        headers.put("JMSCorrelationID", caseId);
        headers.put(CaseHeaders.GROUP_ID, caseId);
        headers.put("JMSType", REPLY_JMS_TYPE);
        try {
            message.setBody(mapper.writeValueAsString(reply));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the reply as JSON", e);
        }
    }

    /** The same update always gets the same id: from its system and update id, else from what it says about which case. */
    static String replyId(StatusUpdate update, String caseId) {
        String source = update.source() == null ? "" : update.source();
        int colon = source.indexOf(':');
        String system = colon < 0 ? source : source.substring(0, colon); // "housing-export:file.csv": the file does not matter
        String key = update.updateId() != null && !update.updateId().isBlank()
                ? "status-update|" + system + "|id|" + update.updateId().strip()
                : "status-update|" + system + "|" + caseId + "|" + update.reference() + "|" + update.text().strip();
        return "msg-" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    }
}
