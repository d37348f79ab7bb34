package org.casebridge.sla;

import org.casebridge.cases.Channel;
import org.casebridge.cases.Customer;
import org.casebridge.customers.JoiningRule;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the open cases a customer is waiting on: a message from the same person, on any channel, before anyone has
 * answered, chases that case rather than opening a second one.
 * <p>
 * Identities compared: the email address (any case), the E.164 phone number, and a platform user id on the same
 * channel; against each case's participants and the customer it was opened for. The identity store of the
 * enrichment work can widen {@link #openCasesAwaitingFirstResponse} (e.g. by customer id) without touching triage.
 * <p>
 * A match is not always enough to join: like any threading, a chase joins only when the sender wrote from an address
 * the case was written from on the same channel, from the same email address (email and web form), or through links
 * the housing system verified ({@link JoiningRule#mayJoin}). A phone number typed into a web form, say, never
 * pulls a WhatsApp customer's message into that case: the message opens its own case, related to the other.
 */
@Component
public class ChaserDetector {

    private final JdbcTemplate jdbc;
    private final ObjectProvider<JoiningRule> joiningRule;

    public ChaserDetector(JdbcTemplate jdbc, ObjectProvider<JoiningRule> joiningRule) {
        this.jdbc = jdbc;
        this.joiningRule = joiningRule;
    }

    /** Ids of the open cases of this customer that still await their first response, newest first. */
    public List<String> openCasesAwaitingFirstResponse(Customer customer, Channel channel) {
        if (customer == null) {
            return List.of();
        }
        String email = customer.email() == null || customer.email().isBlank() ? null : customer.email().strip().toLowerCase(Locale.ROOT);
        String phone = customer.phone() == null || customer.phone().isBlank() ? null : customer.phone().strip();
        String platformId = customer.platformUserId() == null || customer.platformUserId().isBlank() ? null : customer.platformUserId().strip();
        List<String> conditions = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        if (email != null) {
            conditions.add("lower(c.customer_email) = ?");
            conditions.add("exists (select 1 from cb_case_participant p where p.case_id = c.case_id and lower(p.address) = ?)");
            args.add(email);
            args.add(email);
        }
        if (phone != null) {
            conditions.add("c.customer_phone = ?");
            conditions.add("exists (select 1 from cb_case_participant p where p.case_id = c.case_id and p.address = ?)");
            args.add(phone);
            args.add(phone);
        }
        if (platformId != null && channel != null) {
            // platform ids are only unique within their platform
            conditions.add("exists (select 1 from cb_case_participant p where p.case_id = c.case_id and p.channel = ? and p.address = ?)");
            args.add(channel.wireName());
            args.add(platformId);
        }
        if (conditions.isEmpty()) {
            return List.of();
        }
        List<String> candidates = jdbc.queryForList("select c.case_id from cb_case c where c.status in ('" + CaseClockState.OPEN + "', '"
                + CaseClockState.WAITING_ON_CUSTOMER + "') and c.first_response_at is null and (" + String.join(" or ", conditions)
                + ") order by c.created_at desc, c.case_id", String.class, args.toArray());
        return candidates.stream().filter(caseId -> mayJoin(caseId, channel, email, phone, platformId)).toList();
    }

    /** Whether the sender is strongly enough the same person as the case's to join it (see the class comment). */
    private boolean mayJoin(String caseId, Channel channel, String email, String phone, String platformId) {
        if (email != null) {
            Integer sameEmail = jdbc.queryForObject("select count(*) from cb_case_participant where case_id = ?"
                    + " and channel in ('email', 'webform') and lower(address) = ?", Integer.class, caseId, email);
            if (sameEmail != null && sameEmail > 0) {
                return true;
            }
        }
        String address = channel == Channel.EMAIL || channel == Channel.WEBFORM ? email : platformId != null ? platformId : phone;
        JoiningRule rule = joiningRule.getIfAvailable();
        if (address == null || channel == null) {
            return false;
        }
        if (rule == null) {
            Integer participant = jdbc.queryForObject("select count(*) from cb_case_participant where case_id = ? and channel = ? and address = ?",
                    Integer.class, caseId, channel.wireName(), address);
            return participant != null && participant > 0;
        }
        return rule.mayJoin(caseId, channel, address);
    }
}
