package org.casebridge.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.casebridge.cases.CaseSchemaViolationException;
import org.casebridge.shared.RejectedMessageException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.ResourceAccessException;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;

/**
 * Tells an outage from bad data: the one place that decides whether a failed message is redelivered for minutes
 * (database, broker, SMTP, CRM or platform API unreachable), dead-lettered at once (it can never succeed: schema
 * violation, rejected request, unparseable payload) or retried a few times (anything else). It is also the
 * dead letter channel's retry-while predicate ({@code casebridge-error-handling}).
 */
@Component("failureClassifier")
public class FailureClassifier implements Predicate {

    /** What kind of failure a message met. */
    public enum Kind {
        /** Something the bridge depends on is unreachable or overloaded: waiting it out will succeed. */
        OUTAGE,
        /** The message itself is at fault: no retry can succeed. */
        PERMANENT,
        /** Not known to be either: a few quick retries, then the dead-letter queue. */
        UNKNOWN
    }

    private final int outageRedeliveries;
    private final int maximumRedeliveries;

    public FailureClassifier(@Value("${casebridge.errors.outage-redeliveries}") int outageRedeliveries,
                             @Value("${casebridge.errors.maximum-redeliveries}") int maximumRedeliveries) {
        this.outageRedeliveries = outageRedeliveries;
        this.maximumRedeliveries = maximumRedeliveries;
    }

    /** Classifies a failure by the exceptions in its cause chain; a permanent one anywhere in the chain wins. */
    public static Kind classify(Throwable failure) {
        Kind kind = Kind.UNKNOWN;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Kind own = own(t);
            if (own == Kind.PERMANENT) {
                return own;
            }
            if (own == Kind.OUTAGE) {
                kind = own;
            }
        }
        return kind;
    }

    private static Kind own(Throwable t) {
        if (t instanceof RejectedMessageException || t instanceof CaseSchemaViolationException || t instanceof JsonProcessingException) {
            return Kind.PERMANENT;
        }
        if (t instanceof HttpOperationFailedException http) {
            return status(http.getStatusCode());
        }
        if (t instanceof HttpStatusCodeException http) {
            return status(http.getStatusCode().value());
        }
        if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof SQLNonTransientConnectionException) {
            return Kind.OUTAGE;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            // SQLSTATE class 08 is a connection failure, 53 insufficient resources (disk full, too many connections),
            // 57 an operator intervention (the database shutting down), 40 a rolled-back transaction (deadlock)
            String state = sql.getSQLState();
            if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40")
                    || state.startsWith("HYT")) {
                return Kind.OUTAGE;
            }
        }
        if (t instanceof CannotGetJdbcConnectionException || t instanceof DataAccessResourceFailureException
                || t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException) {
            return Kind.OUTAGE;
        }
        if (t instanceof NonTransientDataAccessException) {
            return Kind.UNKNOWN; // a constraint or a bad statement: a bug to fix, then replay
        }
        if (t instanceof org.springframework.jms.JmsException || t instanceof jakarta.jms.JMSException) {
            return Kind.OUTAGE;
        }
        if (t instanceof jakarta.mail.MessagingException mail && mail.getNextException() instanceof IOException) {
            return Kind.OUTAGE; // SMTP or IMAP server unreachable (MailConnectException carries the ConnectException)
        }
        if (t instanceof ResourceAccessException || t instanceof CallNotPermittedException || t instanceof TimeoutException) {
            return Kind.OUTAGE; // connection refused or timed out, or the CRM's circuit breaker is open
        }
        if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException
                || t instanceof java.net.UnknownHostException || t instanceof java.net.http.HttpTimeoutException
                || t instanceof java.net.SocketException || t instanceof java.io.EOFException) {
            return Kind.OUTAGE;
        }
        return Kind.UNKNOWN;
    }

    private static Kind status(int status) {
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            return Kind.OUTAGE;
        }
        return status >= 400 ? Kind.PERMANENT : Kind.UNKNOWN;
    }

    /** The kind of the exchange's failure. */
    public Kind classify(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return classify(failure);
    }

    /** Whether the exchange's failure is an outage (route step and predicate for the dead letter channel). */
    public boolean isOutage(Exchange exchange) {
        return classify(exchange) == Kind.OUTAGE;
    }

    /**
     * The dead letter channel's retry-while: an outage is redelivered {@code casebridge.errors.outage-redeliveries}
     * times (with the exponential back-off and jitter, minutes in all) unless an HTTP sender waits for the answer,
     * bad data not at all, anything else {@code casebridge.errors.maximum-redeliveries} times.
     */
    @Override
    public boolean matches(Exchange exchange) {
        // Camel counts the redelivery it is about to make before it asks: 1 for the first
        int next = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        return switch (classify(exchange)) {
            case PERMANENT -> false;
            case OUTAGE -> next <= (exchange.getFromEndpoint() instanceof org.apache.camel.component.platform.http.PlatformHttpEndpoint
                    ? maximumRedeliveries : outageRedeliveries);
            case UNKNOWN -> next <= maximumRedeliveries;
        };
    }
}
