package org.casebridge.ops;

import org.casebridge.shared.Problem;
import org.casebridge.shared.RejectedRequestException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Writes a {@link Problem} straight to a servlet response, for refusals made before a request reaches Camel. */
public final class ProblemWriter {

    private final ObjectMapper mapper;

    public ProblemWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, RejectedRequestException rejection) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(rejection.status());
        response.setContentType(Problem.MEDIA_TYPE);
        rejection.responseHeaders().forEach(response::setHeader);
        mapper.writeValue(response.getOutputStream(), rejection.toProblem(request.getRequestURI()));
    }
}
