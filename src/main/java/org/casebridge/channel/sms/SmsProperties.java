package org.casebridge.channel.sms;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/** The {@code casebridge.channels.sms.*} settings: the Twilio account that carries SMS and MMS. */
@ConfigurationProperties("casebridge.channels.sms")
public class SmsProperties {

    /** Whether the webhook and the reply sender run. */
    private boolean enabled;
    /** The Twilio account (AC...): the Messages API URL and the user name of HTTP Basic auth. */
    private String accountSid = "";
    /** The account's auth token: signs Twilio's webhooks, and the password of HTTP Basic auth. */
    private String authToken = "";
    /** Twilio's REST API; a setting so tests point it at a stub. */
    private String apiBaseUrl = "https://api.twilio.com";
    /**
     * The URL of {@code /webhooks/sms} as Twilio calls it (behind a proxy it differs from what the bridge sees); the
     * signature covers it. Empty: the request URL as received.
     */
    private String publicUrl = "";
    /** Send replies through this Messaging Service (MG...) instead of from the number the customer texted. */
    private String messagingServiceSid = "";
    /** Longest reply sent (characters); Twilio refuses a body over 1600. */
    private int maxReplyLength = 1600;
    /** Keywords Twilio answers itself (opt-out, opt-in, help): recorded on the case, never acknowledged by the bridge. */
    private List<String> keywords = new ArrayList<>(List.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
            "START", "YES", "UNSTOP", "HELP", "INFO"));

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getAccountSid() { return accountSid; }
    public void setAccountSid(String accountSid) { this.accountSid = accountSid == null ? "" : accountSid.strip(); }
    public String getAuthToken() { return authToken; }
    public void setAuthToken(String authToken) { this.authToken = authToken == null ? "" : authToken.strip(); }
    public String getApiBaseUrl() { return apiBaseUrl; }
    public void setApiBaseUrl(String apiBaseUrl) { this.apiBaseUrl = apiBaseUrl; }
    public String getPublicUrl() { return publicUrl; }
    public void setPublicUrl(String publicUrl) { this.publicUrl = publicUrl == null ? "" : publicUrl.strip(); }
    public String getMessagingServiceSid() { return messagingServiceSid; }
    public void setMessagingServiceSid(String messagingServiceSid) { this.messagingServiceSid = messagingServiceSid == null ? "" : messagingServiceSid.strip(); }
    public int getMaxReplyLength() { return maxReplyLength; }
    public void setMaxReplyLength(int maxReplyLength) { this.maxReplyLength = maxReplyLength; }
    public List<String> getKeywords() { return keywords; }
    public void setKeywords(List<String> keywords) { this.keywords = keywords; }
}
