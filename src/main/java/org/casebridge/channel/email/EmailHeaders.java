package org.casebridge.channel.email;

/** Camel headers the mailbox consumer sets on each mail it hands to a route. */
public final class EmailHeaders {

    /** Name of the configured mailbox the mail came from. */
    public static final String MAILBOX = "CasebridgeMailbox";
    /** The mail's IMAP UID in its folder (absent for POP3). */
    public static final String UID = "CasebridgeMailUid";
    /** Size the server reported for the mail, in bytes. */
    public static final String SIZE = "CasebridgeMailSize";

    private EmailHeaders() {
    }
}
