package org.casebridge.channel.email;

import org.apache.camel.Exchange;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseThread;
import org.casebridge.cases.Channel;
import org.casebridge.cases.EmailAddress;
import org.casebridge.cases.MessageKind;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.cases.ThreadIndex;
import org.casebridge.cases.ThreadMethod;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Correlates an email with its case: by In-Reply-To/References naming any Message-ID seen or sent for a case, by the
 * case token in the subject ({@code [CB-7K3M9Q]}), or by a tokenised reply address ({@code support+cb-7k3m9q@...}).
 * A match binds only when the sender takes part in that case; anyone else opens a new case marked as possibly related,
 * so a customer's mail is never merged into another customer's case. Auto-replies and bounces never open a case.
 */
@Component("emailThreader")
public class EmailThreader {

    private static final Pattern SUBJECT_TOKEN = Pattern.compile("\\[\\s*(CB-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6})\\s*]", Pattern.CASE_INSENSITIVE);
    private static final Pattern ADDRESS_TOKEN = Pattern.compile("\\+(cb-[23456789abcdefghjkmnpqrstvwxyz]{6})@", Pattern.CASE_INSENSITIVE);

    private final ThreadIndex threads;

    public EmailThreader(ThreadIndex threads) {
        this.threads = threads;
    }

    /** A candidate case and how it was found. */
    record Match(String caseId, ThreadMethod method, double confidence) {
    }

    /** Route step: re-threads the case in {@link CaseHeaders#CASE_PROPERTY} and updates the case id header. */
    public void thread(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        Case threaded = thread(value);
        exchange.setProperty(CaseHeaders.CASE_PROPERTY, threaded);
        exchange.getMessage().setHeader(CaseHeaders.CASE_ID, threaded.caseId());
    }

    Case thread(Case value) {
        CaseThread incoming = value.thread() == null ? CaseThread.newCase() : value.thread();
        Optional<Match> match = find(value, incoming);
        String sender = value.customer() == null ? null : value.customer().email();
        if (match.isPresent() && threads.isParticipant(match.get().caseId(), Channel.EMAIL, sender)) {
            Match found = match.get();
            return value.withCaseId(found.caseId()).withThread(
                    new CaseThread(found.method(), found.confidence(), incoming.inReplyTo(), incoming.references(), null));
        }
        if (value.kind() != MessageKind.MESSAGE) {
            // an auto-reply or bounce only ever joins a case; on its own it is recorded and goes no further
            throw new RejectedMessageException(value.kind() == MessageKind.BOUNCE ? "unmatched-bounce" : "unmatched-auto-reply",
                    "A " + value.kind().wireName() + " from " + sender + " matches no case it may join"
                            + match.map(m -> " (it points at " + m.caseId() + ")").orElse("") + ": it opens no case and is not answered.");
        }
        return value.withThread(new CaseThread(ThreadMethod.NEW, 1.0, incoming.inReplyTo(), incoming.references(),
                match.map(Match::caseId).orElse(null)));
    }

    private Optional<Match> find(Case value, CaseThread incoming) {
        if (incoming.inReplyTo() != null) {
            Optional<String> byReply = threads.caseForRefs(List.of(incoming.inReplyTo()));
            if (byReply.isPresent()) {
                return Optional.of(new Match(byReply.get(), ThreadMethod.HEADER, 1.0));
            }
        }
        List<String> references = new ArrayList<>(incoming.references() == null ? List.of() : incoming.references());
        java.util.Collections.reverse(references); // newest first
        Optional<String> byReference = threads.caseForRefs(references);
        if (byReference.isPresent()) {
            return Optional.of(new Match(byReference.get(), ThreadMethod.HEADER, 0.9));
        }
        Optional<String> bySubject = token(SUBJECT_TOKEN, value.subject());
        if (bySubject.isPresent()) {
            return Optional.of(new Match(bySubject.get(), ThreadMethod.TOKEN, 0.8));
        }
        if (value.recipients() != null) {
            Optional<String> byAddress = Stream.concat(value.recipients().to().stream(), value.recipients().cc().stream())
                    .map(EmailAddress::address)
                    .map(address -> token(ADDRESS_TOKEN, address))
                    .flatMap(Optional::stream)
                    .findFirst();
            if (byAddress.isPresent()) {
                return Optional.of(new Match(byAddress.get(), ThreadMethod.ADDRESS, 0.8));
            }
        }
        return Optional.empty();
    }

    private Optional<String> token(Pattern pattern, String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            String caseId = m.group(1).toUpperCase(Locale.ROOT);
            if (CaseIds.isCaseId(caseId) && threads.caseExists(caseId)) {
                return Optional.of(caseId);
            }
        }
        return Optional.empty();
    }
}
