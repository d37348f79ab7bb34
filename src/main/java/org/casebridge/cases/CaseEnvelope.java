package org.casebridge.cases;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.util.Map;

/**
 * Puts a case on the wire: the body is the Case JSON and the only headers are the case's own, which become JMS
 * properties so back-office consumers can use selectors ({@code CasebridgeChannel = 'email' AND CasebridgePriority = 'P1'}).
 * Request headers (credentials, cookies, proxies' headers) never reach the broker.
 */
@org.springframework.stereotype.Component("caseEnvelope")
public class CaseEnvelope {

    /** JMS type of a Case v1 message. */
    public static final String JMS_TYPE = "casebridge.case.v1";

    /** Route step: strips every header and sets the case's properties from the case in {@link CaseHeaders#CASE_PROPERTY}. */
    public void forQueue(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        Message message = exchange.getMessage();
        String caseId = message.getHeader(CaseHeaders.CASE_ID, String.class);
        String messageId = message.getHeader(CaseHeaders.MESSAGE_ID, String.class);
        Map<String, Object> headers = message.getHeaders();
        headers.clear();
        headers.put(CaseHeaders.CASE_ID, caseId);
        headers.put(CaseHeaders.MESSAGE_ID, messageId);
        headers.put(CaseHeaders.CHANNEL, value.channel().wireName());
        headers.put(CaseHeaders.KIND, value.kind().wireName());
        headers.put(CaseHeaders.PRIORITY, value.priority().name());
        if (value.category() != null) {
            headers.put(CaseHeaders.CATEGORY, value.category());
        }
        headers.put(CaseHeaders.SCHEMA_VERSION, value.schemaVersion());
        headers.put(CaseHeaders.NEW_CASE, value.thread() == null || !value.thread().joinsExistingCase());
        headers.put("JMSCorrelationID", caseId);
        headers.put(CaseHeaders.GROUP_ID, caseId);
        headers.put("JMSType", JMS_TYPE);
    }
}
