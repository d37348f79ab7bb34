package org.casebridge.channel.meta;

import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.ChatPlatform;
import org.casebridge.channel.chat.MediaFetcher;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookHandshake;
import org.casebridge.channel.chat.WebhookRequest;

import java.util.List;
import java.util.Map;

/**
 * A webhook of Meta's Messenger Platform, for one of its two channels (one bean each, {@link MetaConfiguration}):
 * Facebook Messenger ({@code /webhooks/messenger}, {@code object: page}) and Instagram messaging
 * ({@code /webhooks/instagram}, {@code object: instagram}) share the verify-token handshake and
 * {@code X-Hub-Signature-256} ({@link MetaWebhooks}), the payload format ({@link MetaPayloads}) and media fetched
 * from the signed CDN links in the payload.
 */
public class MetaPlatform implements ChatPlatform {

    private final Channel channel;
    private final String object;
    private final MetaMessagingProperties properties;
    private final MediaFetcher media;

    MetaPlatform(Channel channel, String object, MetaMessagingProperties properties, MediaFetcher media) {
        this.channel = channel;
        this.object = object;
        this.properties = properties;
        this.media = media;
    }

    /** Facebook Messenger for one Page. */
    public static MetaPlatform messenger(MessengerProperties properties, MediaFetcher media) {
        return new MetaPlatform(Channel.MESSENGER, "page", properties, media);
    }

    /** Instagram messaging for one professional account. */
    public static MetaPlatform instagram(InstagramProperties properties, MediaFetcher media) {
        return new MetaPlatform(Channel.INSTAGRAM, "instagram", properties, media);
    }

    /** Default settings and no network, both channels: what the {@code normalise} command reads payloads with. */
    public static List<ChatPlatform> forNormalise() {
        return List.of(messenger(new MessengerProperties(), null), instagram(new InstagramProperties(), null));
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public WebhookHandshake verify(WebhookRequest request) {
        return MetaWebhooks.verify(request, properties, channel.wireName());
    }

    @Override
    public WebhookEvents parse(WebhookRequest request) {
        return MetaPayloads.parse(request.body(), channel, object).events();
    }

    @Override
    public MediaContent download(ChatMessage.MediaRef ref) {
        // attachment links are signed CDN URLs: no token needed (and none should leave the bridge with them)
        return media.get(channel, ref.url(), Map.of(), ref.filename());
    }
}
