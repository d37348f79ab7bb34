package org.casebridge.channel.chat;

import org.casebridge.cases.Channel;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where the bridge may fetch a platform's media from: only that platform's documented hosts
 * ({@code casebridge.chat.media-hosts}), only over http(s), and never an address inside our own network (loopback,
 * private, link-local such as the cloud metadata service, multicast), whatever name points there. A payload names
 * the URL, so without this a forged or hijacked one could make the bridge call internal services.
 */
final class MediaFetchPolicy {

    private final ChatProperties properties;

    MediaFetchPolicy(ChatProperties properties) {
        this.properties = properties;
    }

    /** Refuses (for good: the message is kept without the media, and says so) a URL {@code channel} may not use. */
    void check(Channel channel, URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || host.isEmpty() || uri.getRawUserInfo() != null) {
            throw new MediaFetcher.MediaRefusedException("its URL is not a plain http(s) URL");
        }
        if (isExplicitlyInternal(host)) {
            return;
        }
        List<String> allowed = properties.getMediaHosts().getOrDefault(channel.wireName(), List.of());
        if (allowed.stream().noneMatch(pattern -> matches(pattern.strip().toLowerCase(Locale.ROOT), host))) {
            throw new MediaFetcher.MediaRefusedException("host " + host + " is not one of " + channel.wireName()
                    + "'s media hosts (casebridge.chat.media-hosts." + channel.wireName() + ")");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new MediaFetcher.MediaUnavailableException("Media host " + host + " does not resolve", e);
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                throw new MediaFetcher.MediaRefusedException("host " + host + " resolves to an internal address");
            }
        }
    }

    private boolean isExplicitlyInternal(String host) {
        return properties.getMediaInternalHosts().stream().anyMatch(name -> name.strip().equalsIgnoreCase(host));
    }

    static boolean matches(String pattern, String host) {
        return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : pattern.equals(host);
    }

    /** Loopback, unspecified, private (RFC 1918, fc00::/7, 100.64/10), link-local (169.254/16, fe80::/10), multicast. */
    static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc; // unique local
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return first == 0 || first == 100 && second >= 64 && second < 128 || first >= 240; // this network, shared, reserved
    }
}
