package org.casebridge.channel.chat;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.casebridge.cases.Channel;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The outbound fetch policy with a real HTTP stub on 127.0.0.1 that plays an internal service: with the default
 * policy it is never called, whatever the payload's URL or a redirect says.
 */
class MediaFetchPolicyTests {

    final WireMockServer internal = new WireMockServer(TestInfrastructure.freePort());

    @BeforeEach
    void start() {
        internal.start();
        internal.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("secret metadata")));
    }

    @AfterEach
    void stop() {
        internal.stop();
    }

    static ChatProperties defaults() {
        ChatProperties properties = new ChatProperties();
        properties.getMediaHosts().put("twitter", List.of("ton.twitter.com", "*.twimg.com"));
        return properties;
    }

    @Test
    void aMediaUrlNamingLoopbackIsNeverFetched() {
        MediaFetcher fetcher = new MediaFetcher(defaults());
        for (String url : List.of("http://127.0.0.1:" + internal.port() + "/latest/meta-data",
                "http://localhost:" + internal.port() + "/x", "http://[::1]:" + internal.port() + "/x",
                "file:///etc/passwd", "http://user@ton.twitter.com/x")) {
            assertThatThrownBy(() -> fetcher.get(Channel.TWITTER, url, Map.of("Authorization", "Bearer t"), "x"))
                    .as(url).isInstanceOf(MediaFetcher.MediaRefusedException.class);
        }
        assertThat(internal.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void anotherPlatformsHostIsRefused() {
        MediaFetcher fetcher = new MediaFetcher(defaults());
        assertThatThrownBy(() -> fetcher.get(Channel.TELEGRAM, "https://ton.twitter.com/1.1/ton/data/dm/1/2/a.jpg", Map.of(), "a.jpg"))
                .isInstanceOf(MediaFetcher.MediaRefusedException.class).hasMessageContaining("telegram");
    }

    @Test
    void aRedirectFromAnAllowedHostToAnInternalOneIsNotFollowed() {
        WireMockServer platform = new WireMockServer(TestInfrastructure.freePort());
        platform.start();
        try {
            platform.stubFor(get(urlEqualTo("/media/1")).willReturn(aResponse().withStatus(302)
                    .withHeader("Location", "http://localhost:" + internal.port() + "/latest/meta-data")));
            ChatProperties properties = defaults();
            // the platform's stub is allowed by name, as the tests of each channel do; localhost is not
            properties.getMediaInternalHosts().add("127.0.0.1");
            MediaFetcher fetcher = new MediaFetcher(properties);
            assertThatThrownBy(() -> fetcher.get(Channel.TWITTER, "http://127.0.0.1:" + platform.port() + "/media/1", Map.of(), "a"))
                    .isInstanceOf(MediaFetcher.MediaRefusedException.class).hasMessageContaining("localhost");
            assertThat(platform.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
            assertThat(internal.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        } finally {
            platform.stop();
        }
    }

    @Test
    void aHostNamedExplicitlyIsFetchedWithinTheSizeLimit() {
        ChatProperties properties = defaults();
        properties.getMediaInternalHosts().add("127.0.0.1");
        properties.setMaxMediaSize(org.springframework.util.unit.DataSize.ofBytes(10));
        MediaFetcher fetcher = new MediaFetcher(properties);
        internal.stubFor(get(urlEqualTo("/small")).willReturn(aResponse().withStatus(200).withBody("tiny")));
        assertThat(fetcher.get(Channel.TWITTER, "http://127.0.0.1:" + internal.port() + "/small", Map.of(), "s").bytes())
                .isEqualTo("tiny".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> fetcher.get(Channel.TWITTER, "http://127.0.0.1:" + internal.port() + "/big", Map.of(), "b"))
                .isInstanceOf(MediaFetcher.MediaTooLargeException.class);
    }

    @Test
    void internalAddressesAreRecognised() throws Exception {
        for (String address : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1")) {
            assertThat(MediaFetchPolicy.isInternal(InetAddress.getByName(address))).as(address).isTrue();
        }
        for (String address : List.of("157.240.1.1", "2a03:2880::1", "8.8.8.8")) {
            assertThat(MediaFetchPolicy.isInternal(InetAddress.getByName(address))).as(address).isFalse();
        }
    }
}
