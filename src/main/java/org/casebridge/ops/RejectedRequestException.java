package org.casebridge.ops;

import java.util.List;
import java.util.Map;

/**
 * A request casebridge refuses on purpose: it is answered with a problem detail, recorded as a rejection, and never
 * redelivered or dead-lettered.
 */
public class RejectedRequestException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> responseHeaders;

    public RejectedRequestException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of(), Map.of());
    }

    public RejectedRequestException(int status, String slug, String title, String detail,
                                    List<Problem.FieldError> errors, Map<String, String> responseHeaders) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.responseHeaders = Map.copyOf(responseHeaders);
    }

    public int status() { return status; }
    public String slug() { return slug; }
    public String title() { return title; }
    public List<Problem.FieldError> errors() { return errors; }
    public Map<String, String> responseHeaders() { return responseHeaders; }

    public Problem toProblem(String instance) {
        return new Problem(Problem.typeUri(slug), title, status, getMessage(), instance, errors.isEmpty() ? null : errors);
    }
}
