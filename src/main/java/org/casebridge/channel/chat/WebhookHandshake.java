package org.casebridge.channel.chat;

/** A direct answer to a platform's webhook call: status, content type and body (a verification challenge, TwiML ...). */
public record WebhookHandshake(int status, String contentType, String body) {

    /** A {@code 200 text/plain} answer, as Meta's {@code hub.challenge} echo wants it. */
    public static WebhookHandshake text(String body) {
        return new WebhookHandshake(200, "text/plain", body);
    }

    /** A {@code 200 application/json} answer. */
    public static WebhookHandshake json(String body) {
        return new WebhookHandshake(200, "application/json", body);
    }
}
