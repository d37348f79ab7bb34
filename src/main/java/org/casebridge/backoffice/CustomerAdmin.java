package org.casebridge.backoffice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.customers.CustomerCases;
import org.casebridge.customers.CustomerMerges;
import org.casebridge.customers.IdentityStore;
import org.casebridge.shared.RejectedRequestException;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operators' view of customers ({@code /api/v1/admin/customers/...}, admin-only): a customer with its identities
 * and merge history, merging two customers and undoing a merge. Every merge records who asked and why.
 */
@Component("customerAdmin")
public class CustomerAdmin {

    private static final int MAX_TEXT = 2000;

    private final IdentityStore identities;
    private final CustomerMerges merges;
    private final CustomerCases cases;
    private final ObjectMapper mapper;
    private final com.google.i18n.phonenumbers.PhoneNumberUtil phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
    private final String phoneRegion;

    public CustomerAdmin(IdentityStore identities, CustomerMerges merges, CustomerCases cases, ObjectMapper mapper,
                         org.casebridge.ops.CasebridgeProperties casebridge) {
        this.phoneRegion = casebridge.getApi().getDefaultPhoneRegion();
        this.identities = identities;
        this.merges = merges;
        this.cases = cases;
        this.mapper = mapper;
    }

    /** Route step for {@code GET /api/v1/admin/customers/{id}}: the customer, its identities, open cases and merges. */
    public void show(Exchange exchange) {
        exchange.getMessage().setBody(view(customerId(exchange)));
    }

    /**
     * Route step for {@code GET /api/v1/admin/customers?email=...} or {@code ?phone=...}: the customer that address
     * belongs to (followed through merges), as {@link #show} answers it. A phone number may be national (the API's
     * default region) or E.164; an email address is matched without regard to case.
     */
    public void search(Exchange exchange) {
        String email = exchange.getMessage().getHeader("email", String.class);
        String phone = exchange.getMessage().getHeader("phone", String.class);
        boolean byEmail = email != null && !email.isBlank();
        boolean byPhone = phone != null && !phone.isBlank();
        if (byEmail == byPhone) {
            throw new RejectedRequestException(400, "invalid-request", "One address required",
                    "Give exactly one of the query parameters email or phone.");
        }
        Optional<String> found = byEmail
                ? identities.customerFor(IdentityStore.EMAIL, email.strip().toLowerCase(java.util.Locale.ROOT))
                : e164(phone).flatMap(number -> identities.customerFor(IdentityStore.PHONE, number));
        String id = found.map(identities::current).orElseThrow(() -> new RejectedRequestException(404, "customer-not-found",
                "Customer not found", "No customer has that " + (byEmail ? "email address." : "phone number.")));
        exchange.getMessage().setBody(view(id));
    }

    private Optional<String> e164(String phone) {
        try {
            var number = phones.parse(phone.strip(), phoneRegion);
            return phones.isValidNumber(number)
                    ? Optional.of(phones.format(number, com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            throw new RejectedRequestException(400, "invalid-request", "Not a phone number", "The phone parameter is not a phone number.");
        }
    }

    private Map<String, Object> view(String id) {
        IdentityStore.CustomerRecord customer = identities.find(id).orElseThrow(() -> notFound(id));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("customerId", customer.customerId());
        view.put("housingCustomerId", customer.housingCustomerId());
        view.put("displayName", customer.displayName());
        view.put("tenancyRef", customer.tenancyRef());
        view.put("propertyRef", customer.propertyRef());
        view.put("flags", customer.flags());
        view.put("mergedInto", customer.mergedInto());
        view.put("identities", customer.identities());
        view.put("openCases", customer.mergedInto() == null ? cases.openCasesOf(id) : java.util.List.of());
        view.put("merges", merges.mergesOf(id));
        return view;
    }

    /**
     * Route step for {@code POST /api/v1/admin/customers/{id}/merge} with {@code {"from": "CU-...", "by": "...",
     * "reason": "..."}}: merges customer {@code from} into {@code id}; answers the audited merge.
     */
    public void merge(Exchange exchange) {
        String target = customerId(exchange);
        JsonNode request = body(exchange);
        String source = text(request, "from", true);
        String actor = actor(exchange, request);
        String reason = text(request, "reason", true);
        exchange.getMessage().setBody(run(() -> merges.merge(target, source.toUpperCase(java.util.Locale.ROOT), actor, reason)));
    }

    /**
     * Route step for {@code POST /api/v1/admin/customers/{id}/unmerge} with {@code {"mergeId": "...", "by": "...",
     * "reason": "..."}}: undoes that merge into {@code id} (without mergeId: the latest one not yet undone).
     */
    public void unmerge(Exchange exchange) {
        String target = customerId(exchange);
        JsonNode request = body(exchange);
        String actor = actor(exchange, request);
        String reason = text(request, "reason", true);
        String mergeId = Optional.ofNullable(text(request, "mergeId", false))
                .or(() -> merges.latestMergeInto(target))
                .orElseThrow(() -> new RejectedRequestException(404, "merge-not-found", "No merge to undo",
                        "No merge into customer '" + target + "' is left to undo."));
        CustomerMerges.Merge merge = merges.merge(mergeId).filter(m -> m.targetCustomerId().equals(target))
                .orElseThrow(() -> new RejectedRequestException(404, "merge-not-found", "Merge not found",
                        "No merge '" + mergeId + "' into customer '" + target + "'."));
        exchange.getMessage().setBody(run(() -> merges.unmerge(merge.mergeId(), actor, reason)));
    }

    private static <T> T run(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (IdentityStore.IdentityConflictException e) {
            throw new RejectedRequestException(e.notFound() ? 404 : 409, e.slug(), e.notFound() ? "Not found" : "Conflict", e.getMessage());
        }
    }

    private static String customerId(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return id == null ? "" : id.strip().toUpperCase(java.util.Locale.ROOT);
    }

    private JsonNode body(Exchange exchange) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        if (raw == null || raw.length == 0) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body is empty.");
        }
        try {
            JsonNode json = mapper.readTree(raw);
            if (json == null || !json.isObject()) {
                throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body must be a JSON object.");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new RejectedRequestException(400, "invalid-json", "Malformed JSON", "The request body cannot be read.");
        }
    }

    private static String text(JsonNode request, String field, boolean required) {
        JsonNode node = request.get(field);
        String value = node == null || node.isNull() ? null : node.asText().strip();
        if (value == null || value.isEmpty()) {
            if (required) {
                throw new RejectedRequestException(400, "invalid-request", "Missing field", "Field '" + field + "' is required.");
            }
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw new RejectedRequestException(400, "invalid-request", "Field too long", "Field '" + field + "' is longer than " + MAX_TEXT + " characters.");
        }
        return value;
    }

    /**
     * Who asked: the user who logged in (the security filter puts the name in {@link CaseHeaders#ADMIN_USER} and
     * drops any value a client sent). A {@code by} field in the request is not trusted for the audit trail.
     */
    private static String actor(Exchange exchange, JsonNode request) {
        String user = exchange.getMessage().getHeader(CaseHeaders.ADMIN_USER, String.class);
        if (user == null || user.isBlank()) {
            throw new RejectedRequestException(401, "unauthorized", "Login required", "The audit trail needs the logged-in user.");
        }
        return user;
    }

    private static RejectedRequestException notFound(String id) {
        return new RejectedRequestException(404, "customer-not-found", "Customer not found", "No customer '" + id + "'.");
    }
}
