package org.casebridge.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.casebridge.cases.CaseStore.PUBLISHED;

/** Reads a case back as the API shows it: its published messages and the deliveries of its replies. */
@Component
public class CaseViews {

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final ObjectProvider<CaseViewPart> parts;

    public CaseViews(JdbcTemplate jdbc, ObjectMapper mapper, ObjectProvider<CaseViewPart> parts) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.parts = parts;
    }

    /** The case with its published messages (each a Case v1 document), as the API shows it. */
    public Optional<Map<String, Object>> findCase(String caseId, String clientId) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select case_id, channel, status, client_id, subject, priority, created_at, updated_at from cb_case where case_id = ?",
                caseId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = rows.get(0);
        if (clientId != null && !clientId.equals(row.get("client_id"))) {
            return Optional.empty();
        }
        // inbound messages once accepted (published); outbound ones whatever their delivery, which is shown beside them
        List<Map<String, Object>> rowsOfMessages = jdbc.queryForList(
                "select message_id, direction, payload, delivery_status, delivery_detail from cb_message where case_id = ?"
                        + " and (delivery_state = ? or direction = 'outbound') order by received_at, message_id", caseId, PUBLISHED);
        List<JsonNode> messages = rowsOfMessages.stream().map(r -> readTree(String.valueOf(r.get("payload")))).toList();
        if (messages.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> deliveries = new java.util.ArrayList<>();
        for (Map<String, Object> r : rowsOfMessages) {
            if ("outbound".equals(r.get("direction"))) {
                Map<String, Object> delivery = new LinkedHashMap<>();
                delivery.put("messageId", r.get("message_id"));
                delivery.put("status", r.get("delivery_status"));
                delivery.put("detail", r.get("delivery_detail"));
                deliveries.add(delivery);
            }
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("caseId", row.get("case_id"));
        view.put("channel", row.get("channel"));
        view.put("status", row.get("status"));
        view.put("subject", row.get("subject"));
        view.put("priority", row.get("priority"));
        view.put("openedAt", messages.get(0).path("receivedAt").asText());
        view.put("messageCount", messages.size());
        view.put("messages", messages);
        view.put("deliveries", deliveries);
        // what the bridge found a person must act on (cb_case_attention), e.g. whatsapp-window-closed
        view.put("attention", jdbc.queryForList("select flag from cb_case_attention where case_id = ? order by raised_at, flag",
                String.class, caseId));
        // what other modules keep about the case, e.g. the statutory clocks (clocks)
        parts.orderedStream().forEach(part -> view.put(part.name(), part.of(caseId)));
        return Optional.of(view);
    }

    /**
     * The attachment with digest {@code sha256} among the case's published inbound messages, if the case is visible to
     * {@code clientId} ({@code null}: every case). The first message that carried the bytes names them.
     */
    public Optional<Attachment> findAttachment(String caseId, String clientId, String sha256) {
        List<String> owners = jdbc.queryForList("select client_id from cb_case where case_id = ?", String.class, caseId);
        if (owners.isEmpty() || clientId != null && !clientId.equals(owners.get(0))) {
            return Optional.empty();
        }
        List<String> payloads = jdbc.queryForList("select payload from cb_message where case_id = ? and direction = 'inbound'"
                + " and delivery_state = ? order by received_at, message_id", String.class, caseId, PUBLISHED);
        for (String payload : payloads) {
            for (JsonNode attachment : readTree(payload).path("attachments")) {
                if (sha256.equals(attachment.path("sha256").asText())) {
                    return Optional.of(new Attachment(attachment.path("filename").isNull() ? null : attachment.path("filename").asText(),
                            attachment.path("contentType").asText(), attachment.path("size").asLong(), sha256,
                            attachment.path("ref").asText(), attachment.path("inline").asBoolean(),
                            attachment.path("contentId").isNull() ? null : attachment.path("contentId").asText()));
                }
            }
        }
        return Optional.empty();
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored case JSON is unreadable", e);
        }
    }
}
