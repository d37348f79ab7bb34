package org.casebridge.channel.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.cli.NormaliseCommand;
import org.casebridge.shared.RejectedRequestException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The widget's message format read without a server: fields, identity from the token, ids, refusals; and the origins. */
class WebchatPlatformTests {

    private static final Path FIXTURE = Path.of("src/test/resources/chat/webchat/message.json");
    private final WebchatPlatform platform = WebchatPlatform.forNormalise();

    private static WebhookRequest request(String body, String token) {
        Map<String, String> headers = token == null ? Map.of(WebchatHeaders.SITE, "main")
                : Map.of(WebchatHeaders.SITE, "main", WebchatHeaders.TOKEN, token);
        return new WebhookRequest("POST", "http://127.0.0.1/webchat/v1/messages", headers, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheWidgetsMessageWithTheVisitorNamedByTheToken() throws Exception {
        WebhookEvents events = platform.parse(request(Files.readString(FIXTURE), "token-of-tomasz"));

        assertThat(events.receipts()).isEmpty();
        assertThat(events.ignored()).isEmpty();
        ChatMessage message = events.messages().get(0);
        String visitorId = WebchatVisitors.visitorIdOf("token-of-tomasz");
        assertThat(message.channel()).isEqualTo(Channel.WEBCHAT);
        assertThat(message.account()).isEqualTo("main");
        assertThat(message.text()).isEqualTo("Hello, the street light outside number 12 has been out for a week.\nCan someone look at it?");
        assertThat(message.sender().platformUserId()).isEqualTo(visitorId).startsWith("wv-").doesNotContain("token-of-tomasz");
        assertThat(message.sender().displayName()).isEqualTo("Tomasz Nowak");
        assertThat(message.sender().email()).isEqualTo("tomasz.nowak@example.org");
        assertThat(message.externalId()).isEqualTo(visitorId + ":3f0c9d1e-8b7a-4c55-9e0f-2a6b1d4e7c90");
        assertThat(platform.trust().verified()).isFalse();
        assertThat(platform.trust().method()).isEqualTo("visitor-token");
    }

    @Test
    void theSameClientMessageIdIsTheSameMessageOnlyForTheSameVisitor() {
        String body = "{\"text\": \"Hi\", \"clientMessageId\": \"abc-1\"}";
        String first = platform.parse(request(body, "visitor-a")).messages().get(0).externalId();
        assertThat(platform.parse(request(body, "visitor-a")).messages().get(0).externalId()).isEqualTo(first);
        assertThat(platform.parse(request(body, "visitor-b")).messages().get(0).externalId()).isNotEqualTo(first);
        // without an id every post is a message of its own
        String noId = "{\"text\": \"Hi\"}";
        assertThat(platform.parse(request(noId, "visitor-a")).messages().get(0).externalId())
                .isNotEqualTo(platform.parse(request(noId, "visitor-a")).messages().get(0).externalId());
    }

    @Test
    void refusesWhatTheWidgetCouldNotHaveSent() {
        assertThatThrownBy(() -> platform.parse(request("not json", "t"))).isInstanceOf(RejectedRequestException.class)
                .satisfies(e -> assertThat(((RejectedRequestException) e).slug()).isEqualTo("invalid-json"));
        assertThatThrownBy(() -> platform.parse(request("[1]", "t"))).isInstanceOf(RejectedRequestException.class);
        RejectedRequestException invalid = (RejectedRequestException) org.junit.jupiter.api.Assertions.assertThrows(RejectedRequestException.class,
                () -> platform.parse(request("{\"text\": 5, \"email\": \"a@\", \"clientMessageId\": \"has space\", \"x\": 1}", "t")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.errors()).extracting(e -> e.pointer()).containsExactlyInAnyOrder("/x", "/text", "/text", "/email", "/clientMessageId");
        RejectedRequestException tooLong = org.junit.jupiter.api.Assertions.assertThrows(RejectedRequestException.class,
                () -> platform.parse(request("{\"text\": \"" + "a".repeat(4001) + "\"}", "t")));
        assertThat(tooLong.errors()).extracting(e -> e.message()).anyMatch(m -> m.contains("4000"));
    }

    @Test
    void comparesOriginsAsTheBrowserSendsThem() {
        WebchatProperties properties = new WebchatProperties();
        WebchatProperties.Site site = new WebchatProperties.Site();
        site.setId("main");
        site.setKey("k");
        site.setAllowedOrigins(List.of("https://www.Example.org:443/", "http://localhost:8080"));
        properties.setSites(List.of(site));
        WebchatSites sites = new WebchatSites(properties);

        sites.checkOrigin(site, "https://www.example.org", true);
        sites.checkOrigin(site, "http://localhost:8080", true);
        sites.checkOrigin(site, null, false);
        assertThat(sites.anySiteAllows("https://www.example.org")).isTrue();
        assertThat(sites.anySiteAllows("https://www.example.org.evil.test")).isFalse();
        assertThatThrownBy(() -> sites.checkOrigin(site, "http://www.example.org", true)).isInstanceOf(RejectedRequestException.class);
        assertThatThrownBy(() -> sites.checkOrigin(site, "null", true)).isInstanceOf(RejectedRequestException.class);
        assertThatThrownBy(() -> sites.checkOrigin(site, null, true)).isInstanceOf(RejectedRequestException.class);
        assertThatThrownBy(() -> sites.authenticate("main", "K")).isInstanceOf(RejectedRequestException.class);
        assertThatThrownBy(() -> sites.authenticate("other", "k")).isInstanceOf(RejectedRequestException.class);
        assertThat(sites.authenticate("main", "k")).isSameAs(site);
    }

    @Test
    void normaliseCommandShowsWhatAWidgetMessageBecomes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = NormaliseCommand.run(new String[]{"--channel", "webchat", FIXTURE.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode result = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode value = result.at("/cases/0/case");
        assertThat(value.get("channel").asText()).isEqualTo("webchat");
        assertThat(value.get("subject").asText()).isEqualTo("Hello, the street light outside number 12 has been out for a week.");
        assertThat(value.at("/trust/method").asText()).isEqualTo("visitor-token");
        assertThat(value.at("/customer/email").asText()).isEqualTo("tomasz.nowak@example.org");
    }
}
