package org.casebridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code normalise --channel sms} shows what Twilio's saved webhook payloads become. */
class NormaliseSmsTests {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int run(String... args) {
        return new NormaliseCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).execute(args);
    }

    @Test
    void printsTheCaseOfASavedSms() throws Exception {
        assertThat(run("--channel", "sms", "src/test/resources/chat/sms/incoming-sms.form")).isZero();

        JsonNode value = mapper.readTree(out.toString(StandardCharsets.UTF_8)).at("/cases/0/case");
        assertThat(value.get("channel").asText()).isEqualTo("sms");
        assertThat(value.at("/customer/phone").asText()).isEqualTo("+447700900123");
        assertThat(value.at("/source/system").asText()).isEqualTo("sms:+447700900001");
        assertThat(value.at("/source/externalId").asText()).isEqualTo("SM5f0a6c5e2b7d4e1f9a3c8b7d6e5f4a3b");
    }

    @Test
    void readsAFolderOfPayloadsIncludingMediaAndReceipts() throws Exception {
        assertThat(run("--channel", "sms", "src/test/resources/chat/sms")).isZero();

        List<JsonNode> lines = out.toString(StandardCharsets.UTF_8).lines().map(line -> {
            try {
                return mapper.readTree(line);
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        }).toList();
        assertThat(lines).hasSize(8).noneMatch(line -> line.has("rejection"));
        JsonNode mms = lines.stream().filter(l -> l.get("file").asText().endsWith("incoming-mms.form")).findFirst().orElseThrow();
        assertThat(mms.at("/cases/0/media")).hasSize(2);
        JsonNode delivered = lines.stream().filter(l -> l.get("file").asText().endsWith("status-delivered.form")).findFirst().orElseThrow();
        assertThat(delivered.at("/receipts/0/status").asText()).isEqualTo("delivered");
    }
}
