package org.casebridge.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Case v1 JSON Schema accepts what the records write and refuses what the back office must never see. */
class CaseSchemaTests {

    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
    private final CaseSchema schema = new CaseSchema(mapper);

    static Case sample() {
        Instant received = Instant.parse("2026-11-24T09:15:02.120Z");
        return new Case(Case.SCHEMA_VERSION, "CB-7K3M9Q", "msg-1", Channel.EMAIL, Direction.INBOUND, MessageKind.MESSAGE,
                received, Instant.parse("2026-11-24T09:14:00Z"),
                new Customer("Amira Hassan", "amira@example.org", "+447911123456", null, null, "C-1", "T-9"),
                "Leaking tap", new Body("The tap leaks.\n\nOn Monday I wrote:\n> old", "The tap leaks.", "<p>The tap leaks.</p>"),
                List.of(new Attachment("tap.jpg", "image/jpeg", 5, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                        "attachments/2c/2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", true, "img1@example.org")),
                new Recipients(List.of(new EmailAddress("Repairs", "repairs@housing.example")), List.of(), List.of()),
                new CaseThread(ThreadMethod.HEADER, 0.95, "<a@example.org>", List.of("<a@example.org>"), null),
                new Source("repairs@housing.example", "<b@example.org>", "raw/ab/abcdef"),
                Priority.P2, "repairs", new Sla(received.plusSeconds(3600)), new Trust(true, "dkim"));
    }

    @Test
    void fullCaseValidatesAndUsesTheAgreedJsonNames() throws Exception {
        JsonNode json = mapper.readTree(schema.toValidatedJson(sample()));
        assertThat(schema.violations(json)).isEmpty();
        List<String> names = iterable(json.fieldNames());
        assertThat(names).containsExactly("schemaVersion", "caseId", "messageId", "channel", "direction", "kind", "receivedAt",
                "sentAt", "customer", "subject", "body", "attachments", "recipients", "thread", "source", "priority", "category",
                "sla", "trust");
        assertThat(json.get("receivedAt").asText()).isEqualTo("2026-11-24T09:15:02.120Z");
        assertThat(json.get("sentAt").asText()).isEqualTo("2026-11-24T09:14:00.000Z");
        assertThat(json.get("kind").asText()).isEqualTo("message");
        assertThat(iterable(json.get("customer").fieldNames()))
                .containsExactly("displayName", "email", "phone", "handle", "platformUserId", "customerId", "tenancyRef");
        assertThat(iterable(json.get("attachments").get(0).fieldNames()))
                .containsExactly("filename", "contentType", "size", "sha256", "ref", "inline", "contentId");
        assertThat(json.at("/sla/firstResponseDue").asText()).isEqualTo("2026-11-24T10:15:02.120Z");
        assertThat(json.at("/trust/method").asText()).isEqualTo("dkim");
    }

    @Test
    void everyKindHasItsWireName() {
        assertThat(MessageKind.AUTO_REPLY.wireName()).isEqualTo("auto-reply");
        assertThat(MessageKind.STATUS_UPDATE.wireName()).isEqualTo("status-update");
        assertThat(MessageKind.fromWire("status-update")).isEqualTo(MessageKind.STATUS_UPDATE);
        for (Channel channel : Channel.values()) {
            ObjectNode json = mapper.valueToTree(sample());
            json.put("channel", channel.wireName());
            assertThat(schema.violations(json)).as(channel.wireName()).isEmpty();
        }
    }

    @Test
    void refusesMalformedCases() {
        assertViolation(json -> json.put("caseId", "CB-0O1IL0"), "caseId");
        assertViolation(json -> json.put("schemaVersion", "2"), "schemaVersion");
        assertViolation(json -> json.put("channel", "fax"), "channel");
        assertViolation(json -> json.put("receivedAt", "2026-11-24T09:15:02Z"), "receivedAt");
        assertViolation(json -> json.put("priority", "P5"), "priority");
        assertViolation(json -> ((ObjectNode) json.get("customer")).put("phone", "07911 123456"), "phone");
        assertViolation(json -> ((ObjectNode) json.get("customer")).put("email", "not-an-address"), "email");
        assertViolation(json -> ((ObjectNode) json.get("attachments").get(0)).put("sha256", "xyz"), "sha256");
        assertViolation(json -> ((ObjectNode) json.get("thread")).put("confidence", 1.5), "confidence");
        assertViolation(json -> json.remove("trust"), "trust");
        assertViolation(json -> json.put("bytes", "AAAA"), "bytes");
    }

    @Test
    void invalidCaseNeverLeavesAsJson() {
        Case broken = new Case(Case.SCHEMA_VERSION, "not-a-case-id", "msg-1", Channel.WEBFORM, Direction.INBOUND, MessageKind.MESSAGE,
                Instant.now(), null, new Customer(null, null, null, null, null, null, null), null, new Body("", "", null),
                List.of(), null, CaseThread.newCase(), new Source("api:x", null, null), Priority.P3, null, new Sla(null),
                new Trust(false, "none"));
        assertThatThrownBy(() -> schema.toValidatedJson(broken)).isInstanceOf(CaseSchemaViolationException.class)
                .hasMessageContaining("caseId");
    }

    @Test
    void caseIdsAreShortQuotableAndValid() {
        for (int i = 0; i < 10_000; i++) {
            String id = CaseIds.newCaseId();
            assertThat(id).matches("CB-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}");
            assertThat(CaseIds.isCaseId(id.toLowerCase())).isTrue();
        }
        assertThat(CaseIds.isCaseId("CB-7K3M9")).isFalse();
        assertThat(CaseIds.isCaseId("CB-7K3M9O")).isFalse();
    }

    private void assertViolation(java.util.function.Consumer<ObjectNode> change, String mentioned) {
        ObjectNode json = mapper.valueToTree(sample());
        change.accept(json);
        assertThat(schema.violations(json)).as("violations after changing " + mentioned)
                .isNotEmpty().anyMatch(v -> v.contains(mentioned));
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
