package org.casebridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code normalise --channel twitter} prints the schema-valid case an X payload yields, and what it passes over. */
class TwitterNormaliseTests {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new NormaliseCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    @Test
    void printsTheCaseOfADirectMessage() throws Exception {
        assertThat(run("--channel", "twitter", "src/test/resources/chat/twitter/dm-text.json")).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode result = mapper.readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode value = result.at("/cases/0/case");
        assertThat(value.get("channel").asText()).isEqualTo("twitter");
        assertThat(value.at("/customer/handle").asText()).isEqualTo("amira_h");
        assertThat(value.at("/source/system").asText()).isEqualTo("twitter:4337869213");
        assertThat(value.at("/source/externalId").asText()).isEqualTo("1582838223385698308");
    }

    @Test
    void printsOneLinePerPayloadOfAFolder() throws Exception {
        assertThat(run("--channel", "twitter", "src/test/resources/chat/twitter")).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(7);
        for (String line : lines) {
            assertThat(mapper.readTree(line).has("rejection")).as(line).isFalse();
        }
    }
}
