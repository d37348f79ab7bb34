package org.casebridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code normalise --channel whatsapp} shows what saved WhatsApp webhook payloads become, offline. */
class WhatsAppPayloadsTests {

    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new NormaliseCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    @Test
    void printsTheCasesReceiptsAndIgnoredEventsOfEveryWhatsAppFixture() throws Exception {
        assertThat(run("--channel", "whatsapp", "src/test/resources/chat/whatsapp")).as(err.toString(StandardCharsets.UTF_8)).isZero();

        List<JsonNode> results = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).strip().split("\n")) {
            results.add(mapper.readTree(line));
        }
        assertThat(results).hasSize(16).noneMatch(r -> r.has("rejection"));
        JsonNode text = results.stream().filter(r -> r.get("file").asText().endsWith("text.json")).findFirst().orElseThrow();
        JsonNode value = text.at("/cases/0/case");
        assertThat(value.get("channel").asText()).isEqualTo("whatsapp");
        assertThat(value.at("/customer/phone").asText()).isEqualTo("+447700900123");
        assertThat(value.at("/source/system").asText()).isEqualTo("whatsapp:106540352242922");
        JsonNode image = results.stream().filter(r -> r.get("file").asText().endsWith("image.json")).findFirst().orElseThrow();
        assertThat(image.at("/cases/0/media/0/platformId").asText()).isEqualTo("1003383421387256");
        assertThat(image.at("/cases/0/media/0/ref").asText()).isEqualTo("pending");
        assertThat(image.at("/cases/0/case/body/text").asText()).contains("whatsapp media id 1003383421387256", "image/jpeg");
        JsonNode unsupported = results.stream().filter(r -> r.get("file").asText().endsWith("unsupported.json")).findFirst().orElseThrow();
        assertThat(unsupported.at("/cases/0/case/body/text").asText()).contains("type 'unsupported'");
        assertThat(unsupported.get("ignored")).isEmpty();
        JsonNode statuses = results.stream().filter(r -> r.get("file").asText().endsWith("statuses.json")).findFirst().orElseThrow();
        assertThat(statuses.get("receipts")).hasSize(4);
    }
}
