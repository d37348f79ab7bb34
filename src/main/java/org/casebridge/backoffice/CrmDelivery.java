package org.casebridge.backoffice;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Delivery of cases to a CRM over HTTP: the first message of a case creates it in the CRM, whose id for it is kept in
 * the database ({@code cb_crm_case}); every later message of the case updates that CRM case. The request body comes
 * from a JSLT mapping in {@code config/}; the request carries an {@code Idempotency-Key} (the message id), so a CRM that
 * honours it takes a retried request once, even when the first answer was lost to a timeout.
 */
@Component("crmDelivery")
public class CrmDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(CrmDelivery.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final CrmMapping mapping = new CrmMapping();
    private final Clock clock;

    CrmDelivery(JdbcTemplate jdbc, ObjectMapper mapper, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /**
     * Route step: create or update? Sets {@link BackofficeHeaders#CRM_METHOD} and {@link BackofficeHeaders#CRM_PATH},
     * maps the case to the CRM's shape in the body, and leaves only the request's own headers.
     */
    public void prepare(Exchange exchange) throws IOException {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        String target = exchange.getProperty(BackofficeHeaders.TARGET, String.class);
        String crmId = jdbc.queryForList("select crm_id from cb_crm_case where target = ? and case_id = ?", String.class, target, value.caseId())
                .stream().findFirst().orElse(null);
        exchange.setProperty(BackofficeHeaders.CRM_ID, crmId);
        Message message = exchange.getMessage();
        String mappingFile;
        if (crmId == null) {
            exchange.setProperty(BackofficeHeaders.CRM_METHOD, "POST");
            exchange.setProperty(BackofficeHeaders.CRM_PATH, exchange.getProperty(BackofficeHeaders.CRM_CREATE_PATH, String.class));
            mappingFile = exchange.getProperty(BackofficeHeaders.CRM_CREATE_MAPPING, String.class);
        } else {
            exchange.setProperty(BackofficeHeaders.CRM_METHOD, exchange.getProperty(BackofficeHeaders.CRM_UPDATE_METHOD, "PATCH", String.class).toUpperCase(Locale.ROOT));
            String path = exchange.getProperty(BackofficeHeaders.CRM_UPDATE_PATH, String.class);
            exchange.setProperty(BackofficeHeaders.CRM_PATH, path.replace("{crmId}", URLEncoder.encode(crmId, StandardCharsets.UTF_8).replace("+", "%20")));
            mappingFile = exchange.getProperty(BackofficeHeaders.CRM_UPDATE_MAPPING, String.class);
        }
        JsonNode caseNode = mapper.readTree(message.getBody(String.class));
        JsonNode body = mapping.apply(Path.of(mappingFile), caseNode, crmId, target);
        message.getHeaders().clear();
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        // the same message is the same request: a CRM that honours the key takes a retry once
        message.setHeader("Idempotency-Key", value.messageId());
        message.setHeader("X-Casebridge-Case-Id", value.caseId());
        message.setBody(mapper.writeValueAsString(body));
    }

    /**
     * Route step after the CRM accepted the request: after a create, reads the CRM's id of the case from the answer
     * (the JSON pointer {@link BackofficeHeaders#CRM_ID_POINTER}, else the last segment of the {@code Location} header)
     * and keeps it, so the case's next messages update it.
     */
    public void accepted(Exchange exchange) throws IOException {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        String target = exchange.getProperty(BackofficeHeaders.TARGET, String.class);
        if (exchange.getProperty(BackofficeHeaders.CRM_ID) != null) {
            jdbc.update("update cb_crm_case set updated_at = ? where target = ? and case_id = ?", now(), target, value.caseId());
            LOG.info("Case {} updated in CRM ({}) with message {}", value.caseId(), target, value.messageId());
            return;
        }
        String crmId = crmId(exchange);
        if (crmId == null) {
            throw new IllegalStateException("The CRM answered the creation of case " + value.caseId()
                    + " without an id (none at " + exchange.getProperty(BackofficeHeaders.CRM_ID_POINTER) + " nor a Location header)");
        }
        try {
            jdbc.update("insert into cb_crm_case (target, case_id, crm_id, created_at, updated_at) values (?, ?, ?, ?, ?)",
                    target, value.caseId(), crmId, now(), now());
        } catch (DuplicateKeyException raced) {
            LOG.warn("Case {} was created in CRM ({}) twice at the same moment: keeping the first id, not {}", value.caseId(), target, crmId);
        }
        LOG.info("Case {} created in CRM ({}) as {}", value.caseId(), target, crmId);
    }

    private String crmId(Exchange exchange) throws IOException {
        String pointer = exchange.getProperty(BackofficeHeaders.CRM_ID_POINTER, "/id", String.class);
        String body = exchange.getMessage().getBody(String.class);
        if (body != null && !body.isBlank()) {
            JsonNode id = mapper.readTree(body).at(JsonPointer.compile(pointer));
            if (id.isValueNode() && !id.asText().isBlank()) {
                return id.asText();
            }
        }
        String location = exchange.getMessage().getHeader("Location", String.class);
        if (location != null && !location.isBlank()) {
            String trimmed = location.replaceAll("/+$", "");
            return trimmed.substring(trimmed.lastIndexOf('/') + 1);
        }
        return null;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
