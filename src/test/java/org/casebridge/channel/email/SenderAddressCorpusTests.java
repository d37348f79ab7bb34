package org.casebridge.channel.email;

import org.casebridge.cases.Case;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * "Never lose the sender", measured over the whole shared corpus ({@code ../shared/corpus/mail}, read in place):
 * every message whose From (else Sender) holds something address-shaped becomes a case whose {@code customer.email}
 * is that address, and whose display name is not the address again.
 */
class SenderAddressCorpusTests {

    /** Something address-shaped as a person would see it: non-blank text on both sides of an {@code @}. */
    private static final Pattern ADDRESS_SHAPED = Pattern.compile("[^\\s<>()\",;:@]+@[^\\s<>()\",;:@]+");

    @TempDir
    static Path store;
    static EmailFixtures fixtures;

    @BeforeAll
    static void corpusIsThere() throws IOException {
        boolean present = Files.isDirectory(EmailCorpusTests.CORPUS);
        if (!present && "true".equalsIgnoreCase(System.getProperty("CI", System.getenv("CI")))) {
            fail("The mail corpus is missing at " + EmailCorpusTests.CORPUS.toAbsolutePath().normalize() + " and CI=true");
        }
        assumeTrue(present, "mail corpus not found");
        fixtures = new EmailFixtures(store);
    }

    @Test
    void noMessageInTheCorpusLosesItsSenderAddress() throws IOException {
        List<String> lost = new ArrayList<>();
        int withSender = 0;
        for (Path file : EmailCorpusTests.messages()) {
            String header = senderHeader(Files.readAllBytes(file));
            if (header == null) {
                continue;
            }
            Matcher shaped = ADDRESS_SHAPED.matcher(header);
            if (!shaped.find()) {
                continue;
            }
            withSender++;
            Case value;
            try {
                value = fixtures.normalise(Files.readAllBytes(file));
            } catch (EmailRejectedException e) {
                continue; // a recorded rejection keeps the raw mail; EmailCorpusTests checks which may be rejected
            }
            String email = value.customer().email();
            if (email == null) {
                lost.add(EmailCorpusTests.name(file) + " <- " + header);
            }
        }
        System.out.println("[sender] " + withSender + " messages with an address-shaped sender, " + lost.size()
                + " lost: " + String.join(" | ", lost));
        assertThat(lost).as("messages whose sender address was lost").isEmpty();
    }

    /** The unfolded From (else Sender) field of a raw message, as ISO-8859-1 text; null when it has neither. */
    static String senderHeader(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        int lf = text.indexOf("\n\n");
        if (end < 0 || (lf >= 0 && lf < end)) {
            end = lf;
        }
        String head = (end < 0 ? text : text.substring(0, end)).replace("\r", "").replaceAll("\n[ \t]+", " ");
        String sender = null;
        for (String line : head.split("\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("from:")) {
                return line.substring(5).strip();
            }
            if (sender == null && lower.startsWith("sender:")) {
                sender = line.substring(7).strip();
            }
        }
        return sender;
    }
}
