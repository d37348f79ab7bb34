package org.casebridge.channel.telegram;

import org.casebridge.cases.Channel;
import org.casebridge.channel.chat.ChatMessage;
import org.casebridge.channel.chat.WebhookEvents;
import org.casebridge.channel.chat.WebhookRequest;
import org.casebridge.channel.chat.WebhookSignatureException;
import org.casebridge.shared.RejectedRequestException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Telegram's secret token and Update objects, on the Bot API documentation's examples in the shared corpus. */
class TelegramPlatformTests {

    static final Path CORPUS = Path.of("../shared/corpus/chat/telegram");

    final TelegramPlatform platform = platform("s3cret");

    static TelegramPlatform platform(String secret) {
        TelegramProperties properties = new TelegramProperties();
        properties.setSecretToken(secret);
        properties.setBotUsername("housing_bot");
        return new TelegramPlatform(properties, null);
    }

    @BeforeAll
    static void corpusIsThere() {
        boolean present = Files.isDirectory(CORPUS);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("The Telegram corpus is missing at " + CORPUS.toAbsolutePath().normalize() + " and CI=true");
        }
        assumeTrue(present, "Telegram corpus not found");
    }

    static WebhookEvents parse(TelegramPlatform platform, String file) throws IOException {
        return platform.parse(WebhookRequest.ofBody(Files.readAllBytes(CORPUS.resolve(file))));
    }

    @Test
    void handlesEveryUpdateInTheCorpus() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(CORPUS)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSize(13);
        for (Path file : files) {
            WebhookEvents events = platform.parse(WebhookRequest.ofBody(Files.readAllBytes(file)));
            assertThat(events.isEmpty()).as(file.toString()).isFalse();
            events.messages().forEach(m -> {
                assertThat(m.channel()).isEqualTo(Channel.TELEGRAM);
                assertThat(m.externalId()).isNotBlank();
                assertThat(m.sender().platformUserId()).isEqualTo("1111111");
            });
        }
    }

    @Test
    void startingTheBotIsAcknowledgedButOpensNoCase() throws IOException {
        WebhookEvents started = parse(platform, "02-message-text.json");
        assertThat(started.messages()).isEmpty();
        assertThat(started.ignored()).extracting(WebhookEvents.Ignored::type).containsExactly("bot_started");
    }

    @Test
    void readsATextMessageWithTheSendersNames() throws IOException {
        ChatMessage message = parse(platform, "07-message-with-entities.json").messages().get(0);
        assertThat(message.externalId()).isEqualTo("1111111:1365");
        assertThat(message.text()).isEqualTo("Bold and italics");
        assertThat(message.account()).isEqualTo("housing_bot");
        assertThat(message.sender().handle()).isEqualTo("Testusername");
        assertThat(message.sender().displayName()).isEqualTo("Test Firstname Test Lastname");
        assertThat(message.text()).isNotBlank();
        assertThat(message.sentAt()).isNotNull();
    }

    @Test
    void aDocumentIsMediaToFetchWithItsNameTypeAndSize() throws IOException {
        ChatMessage message = parse(platform, "10-message-with-document.json").messages().get(0);
        assertThat(message.media()).containsExactly(new ChatMessage.MediaRef("AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", null, "application/pdf",
                "Testfile.pdf", 536392L));
    }

    @Test
    void voiceAndAudioAreMedia() throws IOException {
        assertThat(parse(platform, "09-voice-message.json").messages().get(0).media()).hasSize(1);
        assertThat(parse(platform, "08-message-with-audio.json").messages().get(0).media()).hasSize(1);
    }

    @Test
    void anEditIsANewMessageWithItsOwnId() throws IOException {
        ChatMessage edited = parse(platform, "06-edited-message.json").messages().get(0);
        assertThat(edited.event()).isEqualTo("edited_message");
        assertThat(edited.externalId()).startsWith("1111111:1365:edit:");
        assertThat(edited.text()).startsWith("[Edited message]");
    }

    @Test
    void aReplyNamesTheMessageItAnswers() throws IOException {
        String update = """
                {"update_id": 1, "message": {"message_id": 20, "date": 1700000000, "from": {"id": 5, "first_name": "Ann"},
                  "chat": {"id": 5, "type": "private"}, "text": "Tuesday suits me",
                  "reply_to_message": {"message_id": 19, "date": 1699999000, "chat": {"id": 5, "type": "private"}, "text": "When?"}}}
                """;
        ChatMessage reply = platform.parse(WebhookRequest.ofBody(update.getBytes(StandardCharsets.UTF_8))).messages().get(0);
        assertThat(reply.replyTo()).isEqualTo("5:19");
    }

    @Test
    void aButtonPressIsAMessage() throws IOException {
        ChatMessage pressed = parse(platform, "13-callback-query.json").messages().get(0);
        assertThat(pressed.event()).isEqualTo("callback_query");
        assertThat(pressed.externalId()).isEqualTo("callback:4382bfdwdsb323b2d9");
        assertThat(pressed.text()).contains("Data from button callback");
    }

    @Test
    void inlineQueriesAreAcknowledgedNotCases() throws IOException {
        WebhookEvents inline = parse(platform, "11-inline-query.json");
        assertThat(inline.messages()).isEmpty();
        assertThat(inline.ignored()).extracting(WebhookEvents.Ignored::type).containsExactly("inline_query");
        assertThat(parse(platform, "12-chosen-inline-result.json").ignored()).hasSize(1);
    }

    @Test
    void forwardedMessagesSayWhereFrom() throws IOException {
        assertThat(parse(platform, "03-forwarded-message.json").messages().get(0).text()).startsWith("[Forwarded from");
    }

    @Test
    void refusesCallsWithoutTheSecretToken() {
        WebhookRequest good = new WebhookRequest("POST", null, Map.of("X-Telegram-Bot-Api-Secret-Token", "s3cret"), Map.of(), new byte[0]);
        assertThat(platform.verify(good)).isNull();
        for (String wrong : List.of("s3cre", "s3cret ", "S3cret", "")) {
            WebhookRequest bad = new WebhookRequest("POST", null, Map.of("X-Telegram-Bot-Api-Secret-Token", wrong), Map.of(), new byte[0]);
            assertThatThrownBy(() -> platform.verify(bad)).isInstanceOf(WebhookSignatureException.class);
        }
        assertThatThrownBy(() -> platform.verify(WebhookRequest.ofBody(new byte[0]))).isInstanceOf(WebhookSignatureException.class);
        assertThatThrownBy(() -> platform("").verify(good)).isInstanceOf(WebhookSignatureException.class)
                .hasMessageContaining("No secret token");
    }

    @Test
    void refusesWhatIsNoUpdate() {
        assertThatThrownBy(() -> platform.parse(WebhookRequest.ofBody("not json".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(RejectedRequestException.class);
        assertThatThrownBy(() -> platform.parse(WebhookRequest.ofBody("{\"ok\":true}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(RejectedRequestException.class);
    }

    @Test
    void aMessageOfAKindTheBridgeCannotShowIsStillACaseMessageButAServiceMessageIsNot() {
        String poll = """
                {"update_id": 9001, "message": {"message_id": 31, "date": 1700000000,
                  "from": {"id": 1111111, "is_bot": false, "first_name": "Ann"}, "chat": {"id": 1111111, "type": "private"},
                  "poll": {"id": "p1", "question": "Which day suits you for the repair?", "options": [{"text": "Monday", "voter_count": 0}]}}}
                """;
        WebhookEvents events = platform.parse(WebhookRequest.ofBody(poll.getBytes(StandardCharsets.UTF_8)));
        assertThat(events.ignored()).isEmpty();
        assertThat(events.messages()).singleElement().satisfies(m -> {
            assertThat(m.externalId()).isEqualTo("1111111:31");
            assertThat(m.text()).contains("Telegram message of type 'poll'", "cannot show", "the original is kept",
                    "Which day suits you for the repair?");
        });

        String pinned = """
                {"update_id": 9002, "message": {"message_id": 32, "date": 1700000001,
                  "from": {"id": 1111111, "is_bot": false, "first_name": "Ann"}, "chat": {"id": 1111111, "type": "private"},
                  "pinned_message": {"message_id": 31, "date": 1700000000, "chat": {"id": 1111111, "type": "private"}}}}
                """;
        WebhookEvents service = platform.parse(WebhookRequest.ofBody(pinned.getBytes(StandardCharsets.UTF_8)));
        assertThat(service.messages()).isEmpty();
        assertThat(service.ignored()).singleElement().satisfies(i -> assertThat(i.reason()).contains("service message", "pinned_message"));
    }
}
