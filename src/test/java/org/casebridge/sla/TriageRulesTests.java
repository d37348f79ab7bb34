package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.casebridge.cases.Body;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.cases.Direction;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.casebridge.cases.Sla;
import org.casebridge.cases.Source;
import org.casebridge.cases.Trust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped triage rules (config/triage-rules.yaml), one by one, and the customer-flag rules read from the Case JSON. */
class TriageRulesTests {

    private static final TriageRules RULES = TriageRules.load(Path.of("config/triage-rules.yaml"));
    private static final SlaPolicy POLICY = SlaPolicy.load(Path.of("config/sla-policy.yaml"));
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule());

    /** Triage without a database: no open case to chase (new cases only). */
    private static final CaseTriage TRIAGE = new CaseTriage(RULES, POLICY, null, new ChaserDetector(null, null) {
        @Override
        public List<String> openCasesAwaitingFirstResponse(Customer customer, Channel channel) {
            return List.of();
        }
    }, MAPPER, 1);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "I can smell gas in the kitchen                          | P1 | gas",
            "There is a strong gas smell near the meter              | P1 | gas",
            "The flat below is flooded                               | P1 | flooding-and-leaks",
            "Water is coming through the ceiling of the bathroom     | P1 | flooding-and-leaks",
            "water   coming  through the CEILING since this morning  | P1 | flooding-and-leaks",
            "A burst pipe under the sink                             | P1 | flooding-and-leaks",
            "There are exposed wires in the hallway light            | P1 | electrical-hazard",
            "We have no heating and it is freezing                   | P2 | heating-and-hot-water",
            "No hot water since Monday                               | P2 | heating-and-hot-water",
            "The boiler isn’t working again                          | P2 | heating-and-hot-water",
            "Black mould on the bedroom wall                         | P2 | damp-and-mould",
            "The bathroom is damp and smells                         | P2 | damp-and-mould",
    })
    void eachHazardRuleSetsPriorityAndCategory(String text, Priority priority, String category) {
        TriageRules.Verdict verdict = RULES.read(null, text);
        assertThat(verdict.priority()).isEqualTo(priority);
        assertThat(verdict.category()).isEqualTo(category);
    }

    @Test
    void phrasesMatchWholeWordsOnly() {
        // "dampen" is not "damp", "gasket" not "gas", "moulding" not "mould"
        assertThat(RULES.read("Skirting", "Could you dampen the noise and fix the gasket on the moulding?").priority()).isNull();
        assertThat(RULES.read("Fence", "The garden fence blew down.").matched()).isEmpty();
    }

    @Test
    void theMostUrgentMatchWinsAndGivesTheCategory() {
        TriageRules.Verdict verdict = RULES.read("Damp ceiling", "There is damp on the ceiling and now water is coming through the ceiling.");
        assertThat(verdict.priority()).isEqualTo(Priority.P1);
        assertThat(verdict.category()).isEqualTo("flooding-and-leaks");
        assertThat(verdict.matched()).containsExactly("flooding", "damp-and-mould");
    }

    @Test
    void chasingWordsMakeAMessageAChase() {
        assertThat(RULES.read("Any news?", "I reported the fence last week.").chase()).isTrue();
        assertThat(RULES.read(null, "Still waiting for someone to call me back").chase()).isTrue();
        assertThat(RULES.read("Bins", "The bins were not collected.").chase()).isFalse();
    }

    @Test
    void theSubjectCountsToo() {
        assertThat(RULES.read("Gas leak!", "Please come quickly.").category()).isEqualTo("gas");
    }

    @Test
    void triageSetsPriorityCategoryAndTheDueTimeFromThePolicy() {
        Case value = inbound("Smell of gas in the hall", "It started an hour ago.", Priority.P3);
        Case triaged = TRIAGE.triage(value);
        assertThat(triaged.priority()).isEqualTo(Priority.P1);
        assertThat(triaged.category()).isEqualTo("gas");
        // P1 runs round the clock: one hour after receipt, even on a Sunday night
        assertThat(triaged.sla().firstResponseDue()).isEqualTo(value.receivedAt().plusSeconds(3600));
        Case routine = TRIAGE.triage(inbound("Fence", "The garden fence blew down.", Priority.P3));
        assertThat(routine.priority()).isEqualTo(Priority.P3);
        assertThat(routine.category()).isNull();
        assertThat(routine.sla().firstResponseDue())
                .isEqualTo(POLICY.deadline(SlaClock.FIRST_RESPONSE, Channel.EMAIL, Priority.P3, routine.receivedAt()).due());
    }

    @Test
    void aVulnerableCustomerIsAtLeastP2() {
        Case value = inbound("Fence", "The garden fence blew down.", Priority.P3);
        Case triaged = TRIAGE.triage(value, withFlags(value, "vulnerable"));
        assertThat(triaged.priority()).isEqualTo(Priority.P2);
        // a flag never lowers what a hazard rule found
        Case gas = inbound("Gas", "I can smell gas.", Priority.P3);
        assertThat(TRIAGE.triage(gas, withFlags(gas, "vulnerable")).priority()).isEqualTo(Priority.P1);
        // flags are compared without regard to case; unknown flags change nothing
        assertThat(TRIAGE.triage(value, withFlags(value, "Medical-Equipment")).priority()).isEqualTo(Priority.P1);
        assertThat(TRIAGE.triage(value, withFlags(value, "prefers-welsh")).priority()).isEqualTo(Priority.P3);
    }

    @Test
    void refusesRulesThatCannotWork() {
        TriageRules.Settings settings = new TriageRules.Settings();
        TriageRules.Settings.Rule rule = new TriageRules.Settings.Rule();
        rule.setName("empty");
        rule.setPriority(Priority.P1);
        settings.getRules().add(rule);
        assertThatThrownBy(() -> TriageRules.from(settings)).hasMessageContaining("rules[0] (empty)").hasMessageContaining("phrases");
    }

    /** The case's JSON with {@code customer.flags}, as enrichment will write it. */
    private static JsonNode withFlags(Case value, String... flags) {
        JsonNode tree = MAPPER.valueToTree(value);
        var array = ((ObjectNode) tree.get("customer")).putArray("flags");
        for (String flag : flags) {
            array.add(flag);
        }
        return tree;
    }

    private static Case inbound(String subject, String text, Priority priority) {
        return new Case(Case.SCHEMA_VERSION, "CB-TEST22", "msg-1", Channel.EMAIL, Direction.INBOUND, MessageKind.MESSAGE,
                Instant.parse("2026-11-29T22:00:00Z"), null, new Customer("Amira", "amira@example.org", null, null, null, null, null),
                subject, new Body(text, text, null), List.of(), null, CaseThread.newCase(), new Source("test", null, null),
                priority, null, new Sla(null), new Trust(false, "none"));
    }
}
