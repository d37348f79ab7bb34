package org.casebridge.replies;

/**
 * A platform endpoint's answer to a {@link PlatformCall}: the HTTP status (0 when the endpoint is not HTTP), the body
 * as text when it is text, and the body as the endpoint returned it (e.g. camel-telegram's result object).
 */
public record PlatformAnswer(int status, String text, Object body) {
}
