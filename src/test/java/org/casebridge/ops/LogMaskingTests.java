package org.casebridge.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A representative run (web form messages, an acknowledgement refused by the rate limit, a refused request, a
 * library logging an address) read back through the bridge's own console log format: no address or number from
 * the test data appears unmasked.
 */
class LogMaskingTests extends BridgeTest {

    @LocalServerPort
    int port;

    @Test
    void theLogNamesNoAddressOrNumberInClear() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LayoutWrappingEncoder<ILoggingEvent> console = consoleEncoder(root);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        String email = "amira.scan-" + UUID.randomUUID() + "@example.org";
        String phone = "+447911123" + (100 + (int) (Math.random() * 800));
        try {
            Http http = new Http(port);
            for (int i = 0; i < 4; i++) {
                // the acknowledgement limit per sender is reached on the way: that refusal is logged with the recipient
                HttpResponse<String> response = http.post("/api/v1/messages", "application/json",
                        ("{\"sender\": {\"name\": \"Amira Hassan\", \"email\": \"" + email + "\", \"phone\": \"" + phone + "\"},"
                                + " \"text\": \"My flat number is 4B\"}").getBytes(StandardCharsets.UTF_8),
                        Map.of("X-Api-Key", API_KEY));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            }
            // a library logging personal data it was handed, and an exception quoting it
            LoggerFactory.getLogger("org.apache.camel.Example").warn("Failed to deliver to {} / {}", email, phone,
                    new IllegalStateException("550 mailbox " + email + " unavailable"));
        } finally {
            root.detachAppender(captured);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(captured.list)) {
            lines.add(new String(console.encode(event), StandardCharsets.UTF_8));
        }
        String log = String.join("", lines);
        assertThat(log).contains("a***@example.org").contains("+44*******");
        assertThat(log).doesNotContain(email).doesNotContain(phone).doesNotContain(phone.substring(1));
    }

    @SuppressWarnings("unchecked")
    private static LayoutWrappingEncoder<ILoggingEvent> consoleEncoder(Logger root) {
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender instanceof OutputStreamAppender<ILoggingEvent> stream && stream.getEncoder() instanceof LayoutWrappingEncoder<?> encoder) {
                return (LayoutWrappingEncoder<ILoggingEvent>) encoder;
            }
        }
        throw new AssertionError("No console appender on the root logger");
    }
}
