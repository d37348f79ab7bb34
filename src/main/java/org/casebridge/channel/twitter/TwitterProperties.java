package org.casebridge.channel.twitter;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code casebridge.channels.twitter.*} settings: the X (Twitter) Account Activity API webhook and the X API for replies. */
@ConfigurationProperties("casebridge.channels.twitter")
public class TwitterProperties {

    /** How a reply on a case that began with a public mention goes back. */
    public enum MentionReplies {
        /** By direct message to the author; a public reply carrying only the case reference when X refuses the DM. */
        DM,
        /** Always a public reply carrying only the case reference and an invitation to write by direct message. */
        PUBLIC
    }

    /** Whether the webhook and the reply flow run. */
    private boolean enabled;
    /** The app's consumer secret (API secret): signs the CRC answer and X's webhook calls. Empty refuses every call. */
    private String consumerSecret = "";
    /** OAuth 2.0 user-context access token of the organisation's account: sends DMs and replies, fetches DM media. */
    private String userAccessToken = "";
    /** Base URL of the X API. */
    private String apiBaseUrl = "https://api.twitter.com";
    /** The organisation's account (numeric user id); when set, events for other subscribed accounts are passed over. */
    private String accountId = "";
    /** How a reply to a case opened by a public mention goes back: {@code dm} or {@code public}. */
    private MentionReplies replyToMentions = MentionReplies.DM;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getConsumerSecret() { return consumerSecret; }
    public void setConsumerSecret(String consumerSecret) { this.consumerSecret = consumerSecret; }
    public String getUserAccessToken() { return userAccessToken; }
    public void setUserAccessToken(String userAccessToken) { this.userAccessToken = userAccessToken; }
    public String getApiBaseUrl() { return apiBaseUrl; }
    public void setApiBaseUrl(String apiBaseUrl) { this.apiBaseUrl = apiBaseUrl; }
    public String getAccountId() { return accountId; }
    public void setAccountId(String accountId) { this.accountId = accountId; }
    public MentionReplies getReplyToMentions() { return replyToMentions; }
    public void setReplyToMentions(MentionReplies replyToMentions) { this.replyToMentions = replyToMentions; }
}
