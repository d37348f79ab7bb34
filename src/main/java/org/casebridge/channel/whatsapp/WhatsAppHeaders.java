package org.casebridge.channel.whatsapp;

/** Names of the headers and exchange properties of the WhatsApp reply flow ({@code routes/case-replies-to-whatsapp.yaml}). */
public final class WhatsAppHeaders {

    /** The business phone number id a reply goes out from: the account the customer wrote to. */
    public static final String PHONE_NUMBER_ID = "CasebridgeWhatsappPhoneNumberId";

    private WhatsAppHeaders() {
    }
}
