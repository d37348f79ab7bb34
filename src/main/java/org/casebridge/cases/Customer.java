package org.casebridge.cases;

/** Who wrote: every identity the channel gave us, plus back-office ids once known. Phone is E.164. */
public record Customer(String displayName, String email, String phone, String handle,
                       String platformUserId, String customerId, String tenancyRef) {
}
