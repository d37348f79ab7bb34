package org.casebridge.cases;

import java.util.List;

/** Email recipients of a message. */
public record Recipients(List<EmailAddress> to, List<EmailAddress> cc, List<EmailAddress> replyTo) {
}
