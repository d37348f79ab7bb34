package org.casebridge.channel.sms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.awaitility.Awaitility;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatures;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bridge reached directly (no {@code public-url}): Twilio's signature is checked against the URL as received,
 * query string included, and replies go through a Messaging Service without asking for status callbacks.
 */
@BridgeContext("sms-direct")
class SmsRequestUrlTests {

    static final String TOKEN = "direct-token";
    static final String ACCOUNT = "AC99999999999999999999999999999999";
    static final String SERVICE = "MG11111111111111111111111111111111";
    static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json";
    static final WireMockServer twilio = new WireMockServer(options().dynamicPort());

    static {
        twilio.start();
    }

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("casebridge.channels.sms.enabled", () -> "true");
        registry.add("casebridge.channels.sms.account-sid", () -> ACCOUNT);
        registry.add("casebridge.channels.sms.auth-token", () -> TOKEN);
        registry.add("casebridge.channels.sms.api-base-url", twilio::baseUrl);
        registry.add("casebridge.channels.sms.messaging-service-sid", () -> SERVICE);
    }

    @AfterAll
    static void stopTwilio() {
        twilio.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;

    @Test
    void checksTheSignatureAgainstTheRequestUrlAndRepliesThroughTheMessagingService() throws Exception {
        twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201).withBody("{\"sid\": \"SMdirect1\"}")));
        Http http = new Http(port);
        String body = "MessageSid=SMdirect0&AccountSid=" + ACCOUNT + "&From=%2B447700900555&To=%2B447700900001&Body=Direct+line&NumMedia=0";
        String path = "/webhooks/sms?tenant=north&x=%2F";

        String asReceived = WebhookSignatures.twilioSignature(TOKEN, http.base() + path, WebhookRequest.parseForm(body));
        String otherHost = WebhookSignatures.twilioSignature(TOKEN, "https://bridge.example.org" + path, WebhookRequest.parseForm(body));
        String withoutQuery = WebhookSignatures.twilioSignature(TOKEN, http.base() + "/webhooks/sms", WebhookRequest.parseForm(body));

        assertThat(send(http, path, body, otherHost).statusCode()).isEqualTo(401);
        assertThat(send(http, path, body, withoutQuery).statusCode()).isEqualTo(401);
        HttpResponse<String> response = send(http, path, body, asReceived);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        // the acknowledgement: from the Messaging Service, and no StatusCallback without a public URL
        List<LoggedRequest> sent = Awaitility.await("the acknowledgement").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> twilio.findAll(postRequestedFor(urlPathEqualTo(MESSAGES))), found -> !found.isEmpty());
        assertThat(sent).hasSize(1);
        List<Map.Entry<String, String>> form = WebhookRequest.parseForm(sent.get(0).getBodyAsString());
        assertThat(form).contains(Map.entry("To", "+447700900555"), Map.entry("MessagingServiceSid", SERVICE));
        assertThat(form).extracting(Map.Entry::getKey).doesNotContain("From", "StatusCallback");
    }

    static HttpResponse<String> send(Http http, String path, String body, String signature) {
        return http.post(path, "application/x-www-form-urlencoded", body.getBytes(StandardCharsets.UTF_8), Map.of("X-Twilio-Signature", signature));
    }
}
