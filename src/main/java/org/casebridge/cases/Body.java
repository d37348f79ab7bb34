package org.casebridge.cases;

/** Message text: the full plain text, only the new part ({@code latest}), and sanitised HTML when there was some. */
public record Body(String text, String latest, String html) {
}
