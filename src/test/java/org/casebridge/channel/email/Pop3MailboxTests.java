package org.casebridge.channel.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.awaitility.Awaitility;
import org.casebridge.support.BridgeContext;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A POP3 mailbox (no IDLE there): polled, each mail handed over as its raw bytes, then deleted from the server. */
@BridgeContext(value = "pop3", webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class Pop3MailboxTests {

    private static final GreenMail POP3 = start();

    @Autowired
    CamelContext camel;

    private static GreenMail start() {
        GreenMail greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(TestInfrastructure.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(TestInfrastructure.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_POP3)});
        greenMail.start();
        greenMail.setUser("repairs@housing.example", "repairs@housing.example", "secret");
        return greenMail;
    }

    @DynamicPropertySource
    static void isolate(DynamicPropertyRegistry registry) {
        // a list property is replaced, not merged: give the shipped sandbox mailbox again, then the POP3 one
        registry.add("casebridge.email.mailboxes[0].name", () -> "support");
        registry.add("casebridge.email.mailboxes[0].port", () -> "${casebridge.email.sandbox.imap-port}");
        registry.add("casebridge.email.mailboxes[0].username", () -> "support@casebridge.local");
        registry.add("casebridge.email.mailboxes[0].password", () -> "sandbox");
        registry.add("casebridge.email.mailboxes[1].name", () -> "repairs");
        registry.add("casebridge.email.mailboxes[1].protocol", () -> "pop3");
        registry.add("casebridge.email.mailboxes[1].host", () -> "127.0.0.1");
        registry.add("casebridge.email.mailboxes[1].port", () -> POP3.getPop3().getPort());
        registry.add("casebridge.email.mailboxes[1].username", () -> "repairs@housing.example");
        registry.add("casebridge.email.mailboxes[1].password", () -> "secret");
        registry.add("casebridge.email.mailboxes[1].after-processing", () -> "delete");
        registry.add("casebridge.email.mailboxes[1].poll-interval", () -> "500ms");
    }

    @AfterAll
    static void stop() {
        POP3.stop();
    }

    @Test
    void pollsThePop3MailboxAndDeletesWhatWasHandedOver() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mailbox:repairs").routeId("test-pop3-mailbox").to("mock:repairs");
            }
        });
        MockEndpoint mock = camel.getEndpoint("mock:repairs", MockEndpoint.class);
        mock.expectedMessageCount(2);

        GreenMailUtil.sendTextEmail("repairs@housing.example", "tenant@example.org", "Gutter", "The gutter is loose.", POP3.getSmtp().getServerSetup());
        GreenMailUtil.sendTextEmail("repairs@housing.example", "tenant@example.org", "Door", "The door sticks.", POP3.getSmtp().getServerSetup());

        mock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(15));
        assertThat(mock.getExchanges()).allSatisfy(e -> {
            assertThat(new String(e.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).contains("Subject: ");
            assertThat(e.getMessage().getHeader(EmailHeaders.MAILBOX)).isEqualTo("repairs");
        });
        Awaitility.await("mails deleted").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> POP3.getReceivedMessages().length == 0);
        assertThat(POP3.getReceivedMessages()).as("deleted from the server once handed over").isEmpty();
    }
}
