package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.ops.ApiClients;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/v1/cases/{caseId}/status} from a back-office system: {@code waiting-on-customer} pauses the case's
 * SLA clocks (the customer's next message, or {@code open}, resumes them with the time they had left), {@code closed}
 * stops them. With a {@code milestone} (and {@code action}: complete, stop or reclassify, and a {@code reason}) it
 * changes a statutory clock instead or as well, through {@link CaseMilestones}. Only {@code trusted-identity} clients
 * may, as only they may reply.
 */
@Component("caseStatusIntake")
public class CaseStatusIntake {

    private final ApiClients clients;
    private final SlaClocks clocks;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final ObjectProvider<CaseMilestones> milestones;

    public CaseStatusIntake(ApiClients clients, SlaClocks clocks, ObjectMapper mapper, Clock clock, ObjectProvider<CaseMilestones> milestones) {
        this.clock = clock;
        this.milestones = milestones;
        this.clients = clients;
        this.clocks = clocks;
        this.mapper = mapper;
    }

    /** Route step: changes the status; the body becomes the case's clocks as JSON. */
    public void change(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        String clientId = message.getHeader(CaseHeaders.CLIENT_ID, String.class);
        ApiClients.ApiClient client = clients.byId(clientId).orElseThrow(() ->
                new RejectedRequestException(401, "unauthorized", "API key required", "Send the client's API key in the X-Api-Key header."));
        if (!client.trustedIdentity()) {
            throw new RejectedRequestException(403, "forbidden", "Not allowed to change the status",
                    "Client '" + client.id() + "' may not change a case's status: only clients with trusted-identity may.");
        }
        String caseId = String.valueOf(message.getHeader("caseId")).strip().toUpperCase(Locale.ROOT);
        if (!CaseIds.isCaseId(caseId) || clocks.state(caseId).isEmpty()) {
            throw new RejectedRequestException(404, "case-not-found", "Case not found", "No case '" + message.getHeader("caseId") + "'.");
        }
        JsonNode body;
        try {
            body = mapper.readTree(message.getBody(byte[].class));
        } catch (IOException e) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body is not valid JSON: " + e.getMessage());
        }
        String status = body == null ? null : body.path("status").asText(null);
        Instant now = clock.instant();
        String milestone = body == null ? null : body.path("milestone").asText(null);
        Object statutory = null;
        if (milestone != null && status != null && !java.util.Set.of(CaseClockState.WAITING_ON_CUSTOMER, CaseClockState.OPEN,
                CaseClockState.CLOSED).contains(status)) {
            throw new RejectedRequestException(400, "invalid-message", "Unknown status",
                    "status must be open, waiting-on-customer or closed, not '" + status + "'.");
        }
        if (milestone != null) {
            CaseMilestones owner = milestones.getIfAvailable();
            if (owner == null) {
                throw new RejectedRequestException(400, "unknown-milestone", "Unknown milestone", "No statutory clocks run here.");
            }
            statutory = owner.apply(caseId, new CaseMilestones.MilestoneRequest(body.path("regime").asText(null), milestone,
                    body.path("action").asText(null), body.path("classification").asText(null), body.path("reason").asText(null)), now);
        }
        if (milestone != null && status == null) {
            // a milestone alone: the SLA clocks stay as they are
        } else if (CaseClockState.WAITING_ON_CUSTOMER.equals(status)) {
            clocks.pause(caseId, now);
        } else if (CaseClockState.OPEN.equals(status)) {
            clocks.resume(caseId, now);
        } else if (CaseClockState.CLOSED.equals(status)) {
            clocks.close(caseId);
        } else {
            throw new RejectedRequestException(400, "invalid-message", "Unknown status",
                    "status must be open, waiting-on-customer or closed, not " + (status == null ? "missing" : "'" + status + "'") + ".");
        }
        CaseClockState state = clocks.state(caseId).orElseThrow();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("caseId", caseId);
        answer.put("status", state.status());
        answer.put("priority", state.priority().name());
        answer.put("firstResponseDue", state.firstResponseDue() == null ? null : state.firstResponseDue().toString());
        answer.put("firstResponseAt", state.firstResponseAt() == null ? null : state.firstResponseAt().toString());
        answer.put("nextResponseDue", state.nextResponseDue() == null ? null : state.nextResponseDue().toString());
        answer.put("pausedAt", state.pausedAt() == null ? null : state.pausedAt().toString());
        if (statutory != null) {
            answer.put("clocks", statutory);
        }
        message.setBody(mapper.writeValueAsString(answer));
    }
}
