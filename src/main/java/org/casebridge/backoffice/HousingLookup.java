package org.casebridge.backoffice;

import java.util.List;
import java.util.Optional;

/**
 * A customer lookup in the housing system (or a CRM): by email address, phone number (E.164) or platform handle.
 * Implementations only ask; the {@link CaseEnricher} adds the timeout, the circuit breaker and the cache.
 */
public interface HousingLookup {

    /** Identity kinds a lookup is asked with. */
    String EMAIL = "email";
    String PHONE = "phone";
    String HANDLE = "handle";

    /** Names this lookup in {@code customer.enrichment.source}, e.g. {@code rest:housing}. */
    String source();

    /** Whether this lookup is configured for the identity kind ({@code email}, {@code phone}, {@code handle}). */
    boolean supports(String kind);

    /**
     * The customer the housing system holds for the identity, empty when it knows none; throws when the housing
     * system could not answer (the enricher then marks the case {@code unavailable}).
     *
     * @param channel the channel's wire name, for handles (platform ids are per channel)
     */
    Optional<HousingRecord> find(String kind, String value, String channel) throws Exception;

    /** What the housing system holds on a customer. */
    record HousingRecord(String customerId, String displayName, String tenancyRef, String propertyRef, List<String> flags,
                         List<String> emails, List<String> phones) {
        public HousingRecord {
            flags = flags == null ? List.of() : List.copyOf(flags);
            emails = emails == null ? List.of() : List.copyOf(emails);
            phones = phones == null ? List.of() : List.copyOf(phones);
        }
    }
}
