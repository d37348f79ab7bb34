package org.casebridge.channel.messenger;

import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.MediaFetcher;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * Facebook Messenger's webhook ({@code /webhooks/messenger}, {@code object: page}): Meta's verify-token handshake and
 * {@code X-Hub-Signature-256}, payloads read by {@link MetaPayloads}, media fetched from the links in the payload.
 */
@Component
public class MessengerPlatform implements ChatPlatform {

    private final MessengerProperties properties;
    private final MediaFetcher media;

    public MessengerPlatform(MessengerProperties properties, MediaFetcher media) {
        this.properties = properties;
        this.media = media;
    }

    /** Default settings and no network: what the {@code normalise} command reads payloads with. */
    public static MessengerPlatform forNormalise() {
        return new MessengerPlatform(new MessengerProperties(), null);
    }

    @Override
    public Channel channel() {
        return Channel.MESSENGER;
    }

    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        return MetaWebhooks.verify(request, properties, "messenger");
    }

    @Override
    public WebhookEvents parse(WebhookRequest request) {
        return MetaPayloads.parse(request.body(), Channel.MESSENGER, "page").events();
    }

    @Override
    public MediaContent download(ChatMessage.MediaRef ref) {
        // attachment links are signed CDN URLs: no token needed (and none should leave the bridge with them)
        return media.get(Channel.MESSENGER, ref.url(), Map.of(), ref.filename());
    }
}
