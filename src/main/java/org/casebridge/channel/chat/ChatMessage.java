package org.casebridge.channel.chat;

import org.casebridge.cases.Channel;

import java.time.Instant;
import java.util.List;

/**
 * One customer message taken from a platform's webhook, before it becomes a Case: what every chat platform's payload
 * is read into, so that threading, media, identity and the Case itself are built once for all of them.
 *
 * @param channel    the platform
 * @param account    the organisation's account on the platform that received it (phone number id, page id, bot, site)
 * @param externalId the platform's own message id: redeliveries carry the same id, so it de-duplicates
 * @param event      what happened, in the platform's words: {@code message}, {@code edited_message}, {@code callback_query} ...
 * @param sentAt     when the customer sent it, by the platform's clock (null when the payload has no time)
 * @param sender     who wrote it
 * @param text       the text as the customer wrote it (captions and interactive answers included), may be empty
 * @param media      pictures, documents, audio and the like, still on the platform
 * @param replyTo    the platform id of the message this one answers, when the customer used the platform's reply
 */
public record ChatMessage(Channel channel, String account, String externalId, String event, Instant sentAt,
                          Sender sender, String text, List<MediaRef> media, String replyTo) {

    public ChatMessage {
        media = media == null ? List.of() : List.copyOf(media);
        text = text == null ? "" : text;
    }

    /**
     * The customer as the platform names them. {@code phone} as the platform gives it (normalised to E.164 later);
     * {@code verified} when the platform vouches for the identity (a signed webhook from the platform itself).
     */
    public record Sender(String platformUserId, String handle, String displayName, String phone, String email) {
    }

    /**
     * An attachment still on the platform: {@code platformId} and/or {@code url} say where to fetch it; type, name and
     * size as the payload announces them (the stored attachment records what was actually fetched).
     */
    public record MediaRef(String platformId, String url, String contentType, String filename, Long announcedSize) {
    }
}
