package org.casebridge.channel.chat;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Trust;

/**
 * One chat platform's webhook, as {@link ChatIntake} drives it: check that a request really comes from the platform
 * (or answer its verification handshake), read the payload into {@link WebhookEvents}, and fetch media the payload
 * points at. A Spring bean per platform, in the platform's own package ({@code channel/whatsapp}, ...).
 */
public interface ChatPlatform {

    /** The channel this platform's messages become cases on. */
    Channel channel();

    /**
     * Checks the request before anything is stored: the platform's signature over the raw bytes, and the signed
     * timestamp's age where the platform signs one. Throws {@link WebhookSignatureException} (401) when the check
     * fails. Returns the answer when the request is the platform's verification handshake (the webhook then stops
     * there), otherwise null.
     */
    WebhookHandshake verify(WebhookRequest request);

    /**
     * Reads the payload. Pure: no network, no database, so the {@code normalise} command can show what a payload
     * becomes. Every distinct event gets a distinct {@link ChatMessage#externalId()} (an edit is not its original),
     * and a redelivery of the same event the same id. A payload the platform could not have sent (not its format)
     * is a {@link org.casebridge.shared.RejectedRequestException} with status 400.
     */
    WebhookEvents parse(WebhookRequest request);

    /** Fetches the bytes of a media item the payload pointed at, from the platform's API. */
    default MediaContent download(ChatMessage.MediaRef media) {
        throw new UnsupportedOperationException(channel().wireName() + " messages carry no downloadable media");
    }

    /**
     * Whether the bridge may acknowledge {@code message} when it opens a case. False for messages the platform answers
     * itself, such as Twilio's STOP and HELP keywords: they are kept on the case, but an acknowledgement would be one
     * message too many.
     */
    default boolean acknowledges(ChatMessage message) {
        return true;
    }

    /** What the bridge can say about the sender's identity on this platform. */
    default Trust trust() {
        // the platform signed the call, and the platform authenticated its user: the sender id is the platform's word
        return new Trust(true, "platform-signature");
    }

    /**
     * The body of the webhook's success answer (status 200), or null for an empty body. Twilio, for one, wants TwiML.
     */
    default WebhookHandshake success() {
        return new WebhookHandshake(200, "application/json", "{\"status\":\"received\"}");
    }

    /** Bytes fetched from a platform, with the type and name the platform gave them. */
    record MediaContent(byte[] bytes, String contentType, String filename) {
    }
}
