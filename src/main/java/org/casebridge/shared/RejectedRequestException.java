package org.casebridge.shared;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request casebridge refuses on purpose: the sender is still waiting, so it is answered with a problem
 * detail and recorded as a rejection, never redelivered or dead-lettered.
 */
public class RejectedRequestException extends RejectedMessageException {

    private final int status;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> responseHeaders;

    public RejectedRequestException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of(), Map.of());
    }

    public RejectedRequestException(int status, String slug, String title, String detail,
                                    List<Problem.FieldError> errors, Map<String, String> responseHeaders) {
        super(slug, detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.responseHeaders = Map.copyOf(responseHeaders);
    }

    public int status() { return status; }
    public String title() { return title; }
    public List<Problem.FieldError> errors() { return errors; }
    public Map<String, String> responseHeaders() { return responseHeaders; }

    public Problem toProblem(String instance) {
        return new Problem(Problem.typeUri(slug()), title, status, getMessage(), instance, errors.isEmpty() ? null : errors);
    }
}
