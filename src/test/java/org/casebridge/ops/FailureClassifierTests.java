package org.casebridge.ops;

import com.fasterxml.jackson.core.JsonParseException;
import jakarta.mail.MessagingException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.casebridge.cases.CaseSchemaViolationException;
import org.casebridge.shared.RejectedMessageException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jms.UncategorizedJmsException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.casebridge.ops.FailureClassifier.Kind.OUTAGE;
import static org.casebridge.ops.FailureClassifier.Kind.PERMANENT;
import static org.casebridge.ops.FailureClassifier.Kind.UNKNOWN;

/** The one place that tells an outage (wait it out) from bad data (dead-letter at once). */
class FailureClassifierTests {

    @Test
    void databaseBrokerMailAndNetworkFailuresAreOutages() {
        assertThat(FailureClassifier.classify(new SQLTransientConnectionException("pool exhausted"))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new CannotGetJdbcConnectionException("database down"))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new SQLException("Connection is broken", "08006"))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new SQLException("No space left on device", "53100"))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new UncategorizedJmsException("broker away"))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new jakarta.jms.JMSException("Could not connect"))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new MailConnectException(new SocketConnectException("refused",
                new ConnectException("Connection refused"), "smtp.example.org", 587, 1000)))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new IllegalStateException("CRM call failed", new SocketTimeoutException("Read timed out"))))
                .isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new ConnectException("Connection refused"))).isEqualTo(OUTAGE);
    }

    @Test
    void serverErrorsThrottlingAndTimeoutsAreOutagesOtherClientErrorsArePermanent() {
        assertThat(FailureClassifier.classify(http(503))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(http(500))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(http(429))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(http(408))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(http(400))).isEqualTo(PERMANENT);
        assertThat(FailureClassifier.classify(http(422))).isEqualTo(PERMANENT);
        assertThat(FailureClassifier.classify(new org.springframework.web.client.HttpServerErrorException(
                org.springframework.http.HttpStatus.BAD_GATEWAY))).isEqualTo(OUTAGE);
        assertThat(FailureClassifier.classify(new org.springframework.web.client.HttpClientErrorException(
                org.springframework.http.HttpStatus.NOT_FOUND))).isEqualTo(PERMANENT);
    }

    @Test
    void badDataIsPermanentEvenWhenWrapped() {
        assertThat(FailureClassifier.classify(new CaseSchemaViolationException(List.of("$.channel: required")))).isEqualTo(PERMANENT);
        assertThat(FailureClassifier.classify(new RejectedMessageException("unparseable", "not a mail"))).isEqualTo(PERMANENT);
        assertThat(FailureClassifier.classify(new org.apache.camel.RuntimeCamelException(new JsonParseException(null, "bad JSON"))))
                .isEqualTo(PERMANENT);
        // a permanent cause wins over the outage that wraps it: retrying cannot help
        assertThat(FailureClassifier.classify(new UncategorizedJmsException("send failed", new CaseSchemaViolationException(List.of("x")))))
                .isEqualTo(PERMANENT);
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(FailureClassifier.classify(new IllegalStateException("housing system rejected the case"))).isEqualTo(UNKNOWN);
        assertThat(FailureClassifier.classify(new org.springframework.dao.DuplicateKeyException("duplicate"))).isEqualTo(UNKNOWN);
        assertThat(FailureClassifier.classify((Throwable) null)).isEqualTo(UNKNOWN);
    }

    @Test
    void redeliversOutagesLongBadDataNeverAndTheRestAFewTimes() {
        FailureClassifier classifier = new FailureClassifier(24, 3);
        CamelContext camel = new DefaultCamelContext();
        assertThat(retries(classifier, camel, new CannotGetJdbcConnectionException("database down"))).isEqualTo(24);
        assertThat(retries(classifier, camel, new CaseSchemaViolationException(List.of("x")))).isZero();
        assertThat(retries(classifier, camel, new IllegalStateException("odd"))).isEqualTo(3);
    }

    /** How many redeliveries the dead letter channel's retry-while allows for the failure. */
    private static int retries(FailureClassifier classifier, CamelContext camel, Exception failure) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        int done = 0;
        // as Camel does: the counter names the redelivery about to be made when the predicate is asked
        exchange.getMessage().setHeader(Exchange.REDELIVERY_COUNTER, 1);
        while (classifier.matches(exchange) && done < 100) {
            done++;
            exchange.getMessage().setHeader(Exchange.REDELIVERY_COUNTER, done + 1);
        }
        return done;
    }

    private static HttpOperationFailedException http(int status) {
        return new HttpOperationFailedException("https://crm.example.org/api/v1/cases", status, "status " + status, null, null, null);
    }
}
