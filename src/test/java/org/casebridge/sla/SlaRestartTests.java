package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.mail.internet.MimeMessage;
import org.apache.activemq.broker.BrokerService;
import org.awaitility.Awaitility;
import org.casebridge.CasebridgeApplication;
import org.casebridge.channel.email.EmailSandbox;
import org.casebridge.support.BrokerProbe;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SLA events across a restart: a bridge emits the warning and stops; a fresh bridge on the same database and broker
 * journal emits the breach, never the warning again, and publishes (once) an event its predecessor had claimed but not
 * yet published. Supervisors are mailed through the outbox.
 */
class SlaRestartTests {

    private static final String EVENTS = "casebridge.sla.events";

    @Test
    void warningAndBreachFireOnceEachAcrossARestart() throws Exception {
        Path dataDir = TestInfrastructure.tempDir("sla-restart");
        int brokerPort = TestInfrastructure.freePort();
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> received = new ArrayList<>();
        String caseId;
        String orphanEventId = UUID.randomUUID().toString();
        String orphanCase;

        try (ConfigurableApplicationContext first = start(dataDir, brokerPort)) {
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            caseId = openCase(first, mapper, "The back door does not lock.");
            orphanCase = openCase(first, mapper, "The loft hatch is stuck.");
            Instant now = Instant.now();
            setClock(jdbc, caseId, now.minusSeconds(5), now.plusSeconds(3600));
            received.addAll(await(first, mapper, caseId, "sla.warning", 1));

            // supervisors got a mail about it, through the outbox
            EmailSandbox sandbox = first.getBean(EmailSandbox.class);
            MimeMessage mail = awaitMail(sandbox, "SLA warning: " + caseId);
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("supervisors@casebridge.local");
            assertThat((String) mail.getContent()).contains("Case " + caseId).contains("no reply has gone out yet");

            // an instance claimed this breach and died before publishing it (its claim is older than the claim timeout)
            jdbc.update("insert into cb_sla_event (event_id, case_id, clock, event_type, clock_started_at, due_at, created_at,"
                            + " claimed_by, claimed_at, payload) select ?, case_id, 'first-response', 'sla.breached', created_at, ?, ?,"
                            + " 'dead-instance', ?, ? from cb_case where case_id = ?", orphanEventId, utc(now.minusSeconds(300)),
                    utc(now.minusSeconds(300)), utc(now.minusSeconds(300)),
                    "{\"eventId\":\"" + orphanEventId + "\",\"type\":\"sla.breached\",\"clock\":\"first-response\",\"caseId\":\"" + orphanCase
                            + "\",\"channel\":\"webform\",\"priority\":\"P3\",\"category\":null,\"dueAt\":\"" + now.minusSeconds(300) + "\"}",
                    orphanCase);
            setClock(jdbc, orphanCase, now.minusSeconds(400), now.minusSeconds(300));
            // stop before the takeover (claim timeout 3 s): the restarted bridge must do it
        }

        try (ConfigurableApplicationContext second = start(dataDir, brokerPort)) {
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
            Instant now = Instant.now();
            jdbc.update("update cb_case set first_response_due = ? where case_id = ?", utc(now.minusSeconds(1)), caseId);
            received.addAll(await(second, mapper, caseId, "sla.breached", 1));
            received.addAll(await(second, mapper, orphanCase, "sla.breached", 1));
            // several more ticks of the clock (0.5 s each): nothing else may come. A fixed wait on purpose: the events
            // that must not exist are counted after it, from the queue
            Thread.sleep(3000);
            BrokerProbe probe = new BrokerProbe(second.getBean(BrokerService.class));
            for (Message m : probe.receive(EVENTS, null, 1000)) {
                received.add(mapper.readTree(((TextMessage) m).getText()));
            }
        }

        List<String> forCase = received.stream().filter(e -> e.get("caseId").asText().equals(caseId)).map(e -> e.get("type").asText()).toList();
        assertThat(forCase).containsExactly("sla.warning", "sla.breached");
        List<JsonNode> orphan = received.stream().filter(e -> e.get("caseId").asText().equals(orphanCase)).toList();
        assertThat(orphan).hasSize(1);
        assertThat(orphan.get(0).get("eventId").asText()).as("the claimed event, not a new one").isEqualTo(orphanEventId);
    }

    private static List<JsonNode> await(ConfigurableApplicationContext context, ObjectMapper mapper, String caseId, String type, int count)
            throws Exception {
        BrokerProbe probe = new BrokerProbe(context.getBean(BrokerService.class));
        List<JsonNode> found = new ArrayList<>();
        for (int i = 0; i < 60 && found.size() < count; i++) {
            for (Message m : probe.receive(EVENTS, "CasebridgeCaseId = '" + caseId + "' AND CasebridgeSlaEvent = '" + type + "'", 1000)) {
                assertThat(m.getStringProperty("CasebridgeSlaEventId")).isNotBlank();
                found.add(mapper.readTree(((TextMessage) m).getText()));
            }
        }
        assertThat(found).as(type + " for " + caseId).hasSize(count);
        return found;
    }

    private static MimeMessage awaitMail(EmailSandbox sandbox, String subject) throws Exception {
        return Awaitility.await("a mail '" + subject + "'").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Arrays.stream(sandbox.greenMail().getReceivedMessages()).filter(m -> {
                    try {
                        return subject.equals(m.getSubject()) || (m.getSubject() != null && m.getSubject().startsWith(subject));
                    } catch (Exception e) {
                        return false;
                    }
                }).findFirst(), java.util.Optional::isPresent).get();
    }

    private static String openCase(ConfigurableApplicationContext context, ObjectMapper mapper, String text) throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        String body = mapper.writeValueAsString(Map.of("sender", Map.of("email", "restart-" + UUID.randomUUID().toString().substring(0, 8)
                + "@example.org"), "subject", "Repair", "text", text));
        HttpResponse<String> response = new Http(port).post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", "demo-key-change-me"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return mapper.readTree(response.body()).get("caseId").asText();
    }

    private static void setClock(JdbcTemplate jdbc, String caseId, Instant warnAt, Instant due) {
        jdbc.update("update cb_case set first_response_warn_at = ?, first_response_due = ? where case_id = ?", utc(warnAt), utc(due), caseId);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A bridge on {@code dataDir}: the same database file and broker journal each time, fresh mail ports. */
    private static ConfigurableApplicationContext start(Path dataDir, int brokerPort) {
        int smtp = TestInfrastructure.freePort();
        int imap = TestInfrastructure.freePort();
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", 0);
        properties.put("casebridge.data-dir", dataDir.toString());
        properties.put("casebridge.broker.embedded-bind", "tcp://127.0.0.1:" + brokerPort);
        properties.put("casebridge.broker.embedded-name", "casebridge-sla-restart-" + brokerPort);
        properties.put("casebridge.broker.username", TestInfrastructure.BROKER_USER);
        properties.put("casebridge.broker.password", TestInfrastructure.BROKER_PASSWORD);
        properties.put("camel.main.name", "casebridge-sla-restart-" + UUID.randomUUID());
        properties.put("casebridge.email.sandbox.smtp-port", smtp);
        properties.put("casebridge.email.sandbox.imap-port", imap);
        properties.put("CASEBRIDGE_MAIL_PORT", imap);
        properties.put("CASEBRIDGE_SMTP_PORT", smtp);
        properties.put("spring.jmx.unique-names", true);
        properties.put("casebridge.errors.redelivery-delay", 20);
        properties.put("casebridge.errors.maximum-redelivery-delay", 100);
        properties.put("casebridge.sla.check-interval", "500");
        properties.put("casebridge.sla.claim-timeout", "3s");
        // as arguments: they must win over config/application.yaml (builder properties would only be defaults)
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(CasebridgeApplication.class).run(args);
    }
}
