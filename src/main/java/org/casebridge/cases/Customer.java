package org.casebridge.cases;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Who wrote: every identity the channel gave us, plus back-office ids once known. Phone is E.164.
 * <p>
 * {@code propertyRef}, {@code flags} and {@code enrichment} come from the housing system lookup (the case enricher);
 * they are left out of the JSON while unknown, so a case that was never looked up reads exactly as before.
 * {@code flags} is {@code []} once the housing system said the customer has none.
 */
public record Customer(String displayName, String email, String phone, String handle,
                       String platformUserId, String customerId, String tenancyRef,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String propertyRef,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<String> flags,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Enrichment enrichment) {

    public Customer {
        flags = flags == null ? null : List.copyOf(flags);
    }

    /** A customer as a channel sees it, before any lookup (the form every channel normaliser uses). */
    public Customer(String displayName, String email, String phone, String handle,
                    String platformUserId, String customerId, String tenancyRef) {
        this(displayName, email, phone, handle, platformUserId, customerId, tenancyRef, null, null, null);
    }

    /** This customer with the housing system's answer: its ids, property, flags and how the lookup went. */
    public Customer enrichedWith(String newCustomerId, String newTenancyRef, String newPropertyRef, List<String> newFlags,
                                 Enrichment newEnrichment) {
        return new Customer(displayName, email, phone, handle, platformUserId, newCustomerId, newTenancyRef, newPropertyRef,
                newFlags, newEnrichment);
    }

    /** This customer, unchanged, with a note on how the lookup went (not found, unavailable). */
    public Customer withEnrichment(Enrichment newEnrichment) {
        return new Customer(displayName, email, phone, handle, platformUserId, customerId, tenancyRef, propertyRef, flags,
                newEnrichment);
    }
}
