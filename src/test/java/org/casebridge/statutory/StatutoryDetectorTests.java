package org.casebridge.statutory;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped detection rules: each rule in English and Welsh, and messages that must not start a clock. */
class StatutoryDetectorTests {

    private static final StatutoryDetector DETECTOR = new StatutoryDetector(StatutoryRegimes.load(Path.of("config/statutory-clocks.yaml")));

    private static List<String> rules(String text) {
        return DETECTOR.detect(null, text).stream().map(StatutoryDetector.Detection::rule).toList();
    }

    @Test
    void everyRuleStartsItsRegime() {
        assertThat(rules("There is black mould spreading in my son's bedroom")).containsExactly("damp-and-mould");
        assertThat(rules("Mae llwydni du yn ystafell wely fy mab")).containsExactly("damp-and-mould");
        assertThat(rules("I can smell gas in the kitchen")).containsExactly("gas-smell");
        assertThat(rules("Mae arogl nwy yn y gegin")).containsExactly("gas-smell");
        assertThat(rules("The carbon monoxide alarm keeps going off")).containsExactly("carbon-monoxide");
        assertThat(rules("No heating since Monday and I have a newborn baby")).containsExactly("no-heating-vulnerable");
        assertThat(rules("There are exposed wires in the hall")).containsExactly("exposed-wiring");
        assertThat(rules("Water is coming through the ceiling")).containsExactly("flooding-through-ceiling");
        assertThat(rules("I want to make a formal complaint about the repair")).containsExactly("complaint");
        assertThat(rules("Rydw i eisiau gwneud cwyn ffurfiol")).containsExactly("complaint");
        assertThat(rules("I'm not happy with how my repair was handled")).containsExactly("complaint");
        assertThat(rules("Please escalate this to stage 2")).containsExactly("escalation");
        assertThat(rules("I have several complaints about the contractor")).containsExactly("complaint");
        assertThat(DETECTOR.detect(null, "There is black mould").get(0).classification()).isEqualTo("significant");
        assertThat(DETECTOR.detect(null, "I smell gas").get(0).classification()).isEqualTo("emergency");
    }

    @Test
    void messagesThatMustNotStartAClock() {
        assertThat(rules("Can I pay my rent by card?")).isEmpty();
        // no heating without a vulnerable household is urgent (triage) but not an Awaab's Law emergency
        assertThat(rules("The heating is not working")).isEmpty();
        // whole words only: "dampen" is not "damp"
        assertThat(rules("Please dampen the noise from next door")).isEmpty();
        assertThat(rules("Thank you, the new kitchen looks great")).isEmpty();
    }
}
