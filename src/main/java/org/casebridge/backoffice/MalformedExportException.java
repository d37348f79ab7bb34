package org.casebridge.backoffice;

import java.util.List;

/** An export file from a housing system that cannot be read as configured: every problem found, each with its line. */
public class MalformedExportException extends RuntimeException {

    private final List<String> problems;

    public MalformedExportException(String file, List<String> problems) {
        super("Export file " + file + " is malformed: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
