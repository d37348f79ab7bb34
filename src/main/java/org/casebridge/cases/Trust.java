package org.casebridge.cases;

/** Whether the sender's identity was verified, and how (api-key, signature, dkim, none ...). */
public record Trust(boolean verified, String method) {
}
