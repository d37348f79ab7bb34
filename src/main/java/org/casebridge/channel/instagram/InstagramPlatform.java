package org.casebridge.channel.instagram;

import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.MediaFetcher;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.messenger.MetaPayloads;
import org.casebridge.channel.messenger.MetaWebhooks;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * Instagram messaging's webhook ({@code /webhooks/instagram}, {@code object: instagram}): the Messenger Platform's
 * scheme and payload format ({@link MetaWebhooks}, {@link MetaPayloads}) for direct messages to the organisation's
 * professional account.
 */
@Component
public class InstagramPlatform implements ChatPlatform {

    private final InstagramProperties properties;
    private final MediaFetcher media;

    public InstagramPlatform(InstagramProperties properties, MediaFetcher media) {
        this.properties = properties;
        this.media = media;
    }

    /** Default settings and no network: what the {@code normalise} command reads payloads with. */
    public static InstagramPlatform forNormalise() {
        return new InstagramPlatform(new InstagramProperties(), null);
    }

    @Override
    public Channel channel() {
        return Channel.INSTAGRAM;
    }

    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        return MetaWebhooks.verify(request, properties, "instagram");
    }

    @Override
    public WebhookEvents parse(WebhookRequest request) {
        return MetaPayloads.parse(request.body(), Channel.INSTAGRAM, "instagram").events();
    }

    @Override
    public MediaContent download(ChatMessage.MediaRef ref) {
        // lookaside CDN links, signed in their query string: no token needed
        return media.get(Channel.INSTAGRAM, ref.url(), Map.of(), ref.filename());
    }
}
