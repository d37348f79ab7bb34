package org.casebridge.channel.sms;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.springframework.stereotype.Component;

import java.util.Set;

/**
 * Which headers the Twilio API call carries: only the ones the sender set for it. The reply flow's own headers
 * ({@code Casebridge*}, JMS) stay in the bridge, and Twilio's response headers do not overwrite them.
 */
@Component("twilioHeaderFilter")
public class TwilioHeaderFilter implements HeaderFilterStrategy {

    private static final Set<String> SENT = Set.of("authorization", "content-type", "accept");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !SENT.contains(headerName.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !"content-type".equalsIgnoreCase(headerName);
    }
}
