package org.casebridge.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseViews;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;

/**
 * The API's decision of who sees which case ({@code GET /api/v1/cases/{caseId}}): the case store answers what a
 * case holds, the API clients who is asking.
 */
@Component("caseLookup")
class CaseLookup {

    private final CaseViews views;
    private final ApiClients clients;
    private final ObjectMapper mapper;

    CaseLookup(CaseViews views, ApiClients clients, ObjectMapper mapper) {
        this.views = views;
        this.clients = clients;
        this.mapper = mapper;
    }

    /**
     * Route step for {@code GET /api/v1/cases/{caseId}}: the case as JSON in the body, or a 404 problem. A back-office
     * client ({@code trusted-identity}) sees every case; a web form only the cases it opened.
     */
    public void lookup(Exchange exchange) {
        Message message = exchange.getMessage();
        String caseId = message.getHeader("caseId", String.class);
        String normalised = caseId == null ? null : caseId.strip().toUpperCase(java.util.Locale.ROOT);
        String clientId = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        boolean seesAll = clients.byId(clientId).map(ApiClients.ApiClient::trustedIdentity).orElse(false);
        Optional<Map<String, Object>> found = CaseIds.isCaseId(normalised)
                ? views.findCase(normalised, seesAll ? null : clientId) : Optional.empty();
        Map<String, Object> view = found.orElseThrow(() -> new RejectedRequestException(404, "case-not-found", "Case not found",
                "No case '" + caseId + "' is visible to this client."));
        try {
            message.setBody(mapper.writeValueAsString(view));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
