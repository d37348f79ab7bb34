package org.casebridge.replies;

import java.util.Map;

/**
 * One call to a platform's endpoint: the message body and the only headers it carries (the exchange's own headers are
 * kept aside meanwhile, so none of them leaks to the platform); {@code context} is the sender's own note on what the
 * call is, handed back with the answer.
 */
public record PlatformCall(Object body, Map<String, Object> headers, Object context) {

    public PlatformCall {
        headers = Map.copyOf(headers);
    }

    public PlatformCall(Object body, Map<String, Object> headers) {
        this(body, headers, null);
    }
}
