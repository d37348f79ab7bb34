package org.casebridge.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseViews;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.customers.IdentityStore;
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
    private final IdentityStore identities;

    CaseLookup(CaseViews views, ApiClients clients, ObjectMapper mapper, IdentityStore identities) {
        this.identities = identities;
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
        Map<String, Object> answer = new java.util.LinkedHashMap<>(view);
        answer.put("customerId", customerOf(view).orElse(null));
        try {
            message.setBody(mapper.writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The identity store's id ({@code CU-...}) of the customer who opened the case, so an operator can go from a case
     * to {@code /api/v1/admin/customers/{id}}: the sender of its first inbound message, as the store links it now.
     */
    private Optional<String> customerOf(Map<String, Object> view) {
        if (!(view.get("messages") instanceof java.util.List<?> messages)) {
            return Optional.empty();
        }
        for (Object each : messages) {
            com.fasterxml.jackson.databind.JsonNode node = mapper.valueToTree(each);
            if ("inbound".equals(node.path("direction").asText())) {
                try {
                    Customer customer = mapper.treeToValue(node.path("customer"), Customer.class);
                    return identities.currentCustomerOf(Channel.fromWire(node.path("channel").asText()), customer);
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
