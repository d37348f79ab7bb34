package org.casebridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code normalise --channel messenger|instagram} shows what saved Messenger Platform payloads become. */
class MetaNormaliseTests {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int run(String... args) {
        return new NormaliseCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .execute(args);
    }

    @Test
    void printsTheCaseOfAMessengerMessageAndListsItsMedia() throws Exception {
        assertThat(run("--channel", "messenger", Path.of("src/test/resources/chat/messenger/attachments.json").toString())).isZero();

        JsonNode result = mapper.readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode value = result.at("/cases/0/case");
        assertThat(value.get("channel").asText()).isEqualTo("messenger");
        assertThat(value.at("/source/system").asText()).isEqualTo("messenger:106458175431234");
        // media is not fetched by the command: the body names each item, as the live flow would before fetching it
        assertThat(value.at("/body/text").asText()).isEqualTo("[Location: 51.5072, -0.1276 (Flat 4B)]\n\n"
                + "[468123456_1234567890_n.jpg, messenger media: fetched when the bridge receives the webhook]\n"
                + "[tenancy-agreement.pdf, messenger media: fetched when the bridge receives the webhook]");
        assertThat(result.at("/cases/0/media")).hasSize(2);
    }

    @Test
    void readsEveryMessengerAndInstagramFixtureWithoutARejection() throws Exception {
        assertThat(run("--channel", "messenger", "src/test/resources/chat/messenger")).isZero();
        assertThat(run("--channel", "instagram", "src/test/resources/chat/instagram")).isZero();

        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines.length).isGreaterThanOrEqualTo(20);
        for (String line : lines) {
            assertThat(mapper.readTree(line).has("rejection")).as(line).isFalse();
        }
    }
}
