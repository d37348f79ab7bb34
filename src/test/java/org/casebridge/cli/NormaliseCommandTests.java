package org.casebridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The normalise command prints what a mail becomes, one JSON object per file for a folder, and goes on past rejections. */
class NormaliseCommandTests {

    private static final String MAIL = """
            From: Amira Hassan <amira@example.org>
            To: support@casebridge.local
            Subject: Leaking tap
            Message-ID: <tap-1@example.org>
            Date: Tue, 24 Nov 2026 09:15:00 +0000
            Content-Type: text/plain; charset=UTF-8

            The kitchen tap leaks.
            """.replace("\n", "\r\n");

    private final ObjectMapper mapper = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new NormaliseCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    @Test
    void printsTheCaseOfOneMail(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tap.eml"), MAIL);

        assertThat(run(file.toString())).isZero();

        JsonNode value = mapper.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(value.get("channel").asText()).isEqualTo("email");
        assertThat(value.get("subject").asText()).isEqualTo("Leaking tap");
        assertThat(value.at("/customer/email").asText()).isEqualTo("amira@example.org");
        assertThat(value.at("/body/text").asText()).contains("The kitchen tap leaks.");
    }

    @Test
    void printsOneLinePerFileInNameOrderAndGoesOnPastRejections(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("b.eml"), MAIL);
        Files.write(dir.resolve("a.eml"), new byte[0]);
        Files.writeString(dir.resolve("c.eml"), MAIL.replace("Leaking tap", "Broken boiler"));

        assertThat(run("--channel", "email", dir.toString())).isEqualTo(1);

        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(3);
        JsonNode first = mapper.readTree(lines[0]);
        assertThat(first.get("file").asText()).endsWith("a.eml");
        assertThat(first.at("/rejection/reason").asText()).isEqualTo("empty-message");
        assertThat(mapper.readTree(lines[1]).at("/case/subject").asText()).isEqualTo("Leaking tap");
        assertThat(mapper.readTree(lines[2]).at("/case/subject").asText()).isEqualTo("Broken boiler");
    }

    @Test
    void refusesUnknownChannelsAndMissingPaths(@TempDir Path dir) {
        assertThat(run("--channel", "fax", dir.toString())).isEqualTo(2);
        assertThat(run(dir.resolve("missing.eml").toString())).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    }

    @Test
    void printsTheCasesAWebhookPayloadYields(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("update.json"), """
                {"update_id": 9, "message": {"message_id": 12, "date": 1700000000,
                  "from": {"id": 77, "first_name": "Ann", "username": "ann_t"}, "chat": {"id": 77, "type": "private"},
                  "caption": "Mould in the bathroom",
                  "photo": [{"file_id": "small", "file_size": 100}, {"file_id": "large", "file_size": 90000}]}}
                """);

        assertThat(run("--channel", "telegram", file.toString())).isZero();

        JsonNode result = mapper.readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode value = result.at("/cases/0/case");
        assertThat(value.get("channel").asText()).isEqualTo("telegram");
        assertThat(value.get("subject").asText()).isEqualTo("Mould in the bathroom");
        assertThat(value.at("/customer/platformUserId").asText()).isEqualTo("77");
        assertThat(value.at("/source/externalId").asText()).isEqualTo("77:12");
        assertThat(result.at("/cases/0/media/0/platformId").asText()).isEqualTo("large");
        assertThat(result.get("ignored")).isEmpty();
    }

    @Test
    void aPayloadThePlatformCouldNotHaveSentIsARejection(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"hello\": 1}");

        assertThat(run("--channel=telegram", file.toString())).isEqualTo(1);

        assertThat(mapper.readTree(out.toString(StandardCharsets.UTF_8)).at("/rejection/type").asText())
                .isEqualTo("urn:casebridge:problem:invalid-payload");
    }
}
