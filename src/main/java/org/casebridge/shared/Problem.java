package org.casebridge.shared;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}); {@code type} is {@code urn:casebridge:problem:<slug>}
 * and every slug is listed in docs/api.md (web chat's in docs/channels/webchat.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    /** Media type of problem answers. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid or missing field, named by its JSON pointer. */
    public record FieldError(String pointer, String message) {
    }

    public static String typeUri(String slug) {
        return "urn:casebridge:problem:" + slug;
    }
}
