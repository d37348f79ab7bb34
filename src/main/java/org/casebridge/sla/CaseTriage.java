package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Direction;
import org.casebridge.cases.MessageKind;
import org.casebridge.cases.Priority;
import org.casebridge.cases.Sla;
import org.casebridge.cases.ThreadMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Triage, one route step for every channel (after normalising and threading, before the schema check): the phrase
 * rules and the customer's flags set {@code priority} and {@code category}; a customer chasing an open case before
 * its first response joins that case and raises its priority instead of opening a second case (a follow-up threaded
 * into an unanswered case is a chase too; an unthreaded message is one when it reads as chasing: the
 * {@code chase-phrases} of the rules file); and
 * {@code sla.firstResponseDue} comes from the SLA policy.
 */
@Component("caseTriage")
public class CaseTriage {

    private static final Logger LOG = LoggerFactory.getLogger(CaseTriage.class);

    private final TriageRules rules;
    private final SlaPolicy policy;
    private final SlaClocks clocks;
    private final ChaserDetector chasers;
    private final ObjectMapper mapper;
    private final int chaserRaise;

    public CaseTriage(TriageRules rules, SlaPolicy policy, SlaClocks clocks, ChaserDetector chasers, ObjectMapper mapper,
                      @Value("${casebridge.triage.chaser-raise}") int chaserRaise) {
        this.rules = rules;
        this.policy = policy;
        this.clocks = clocks;
        this.chasers = chasers;
        this.mapper = mapper;
        this.chaserRaise = chaserRaise;
    }

    /** Route step: triages the case in the exchange property {@link CaseHeaders#CASE_PROPERTY}. */
    public void triage(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (value == null || value.direction() != Direction.INBOUND) {
            return;
        }
        Case triaged = triage(value);
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, triaged);
        exchange.getMessage().setHeader(CaseHeaders.CASE_ID, triaged.caseId());
    }

    /** The case as triage leaves it. */
    public Case triage(Case value) {
        return triage(value, mapper.valueToTree(value));
    }

    /**
     * The case as triage leaves it, {@code tree} being its JSON form: the customer's flags from enrichment
     * ({@code customer.flags}) are read from there, so triage works whether or not the Customer record carries them.
     */
    Case triage(Case value, JsonNode tree) {
        boolean joins = value.thread() != null && value.thread().joinsExistingCase();
        String text = value.body() == null ? null : joins && value.body().latest() != null ? value.body().latest() : value.body().text();
        TriageRules.Verdict verdict = rules.read(value.subject(), text);
        Priority priority = verdict.priority() != null ? verdict.priority() : value.priority();
        priority = SlaClocks.mostUrgent(priority, rules.forFlags(flags(tree.at("/customer/flags"))));
        String category = verdict.category() != null ? verdict.category() : value.category();

        Case current = value;
        // a new message (no reference to any case) that reads as chasing joins the customer's open, unanswered case;
        // without chasing words it may well be about something else and opens its own case
        if (!joins && value.kind() == MessageKind.MESSAGE && verdict.chase()) {
            List<String> open = chasers.openCasesAwaitingFirstResponse(value.customer(), value.channel());
            if (!open.isEmpty()) {
                CaseThread thread = value.thread();
                current = value.withCaseId(open.get(0)).withThread(new CaseThread(ThreadMethod.CUSTOMER, 0.9,
                        thread == null ? null : thread.inReplyTo(), thread == null ? List.of() : thread.references(), null));
                joins = true;
                LOG.info("Message {} on {} chases open case {} of the same customer: joined to it", value.messageId(),
                        value.channel().wireName(), open.get(0));
            }
        }
        Instant due;
        Optional<CaseClockState> state = joins ? clocks.state(current.caseId()) : Optional.empty();
        if (state.isPresent()) {
            CaseClockState existing = state.get();
            boolean chase = current.kind() == MessageKind.MESSAGE && existing.awaitingFirstResponse();
            priority = SlaClocks.mostUrgent(priority, chase ? SlaClocks.raise(existing.priority(), chaserRaise) : existing.priority());
            category = existing.category() != null ? existing.category() : category;
            due = existing.firstResponseDue();
            if (chase) {
                Instant raised = policy.deadline(SlaClock.FIRST_RESPONSE, existing.channel(), priority, existing.createdAt()).due();
                due = due == null || raised.isBefore(due) ? raised : due;
            }
        } else {
            due = policy.deadline(SlaClock.FIRST_RESPONSE, current.channel(), priority, current.receivedAt()).due();
        }
        return new Case(current.schemaVersion(), current.caseId(), current.messageId(), current.channel(), current.direction(),
                current.kind(), current.receivedAt(), current.sentAt(), current.customer(), current.subject(), current.body(),
                current.attachments(), current.recipients(), current.thread(), current.source(), priority, category,
                new Sla(due), current.trust());
    }

    static List<String> flags(JsonNode flags) {
        List<String> result = new ArrayList<>();
        if (flags != null && flags.isArray()) {
            flags.forEach(flag -> {
                if (flag.isTextual()) {
                    result.add(flag.asText());
                }
            });
        }
        return result;
    }
}
