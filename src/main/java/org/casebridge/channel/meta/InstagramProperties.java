package org.casebridge.channel.meta;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code casebridge.channels.instagram.*} settings: Instagram messaging for one professional account. */
@ConfigurationProperties("casebridge.channels.instagram")
public class InstagramProperties extends MetaMessagingProperties {

    /**
     * The access token replies are sent with: the Page access token of the Page linked to the account (Facebook
     * Login), or the Instagram user access token when {@code graph-base-url} is https://graph.instagram.com.
     */
    private String accessToken = "";
    /**
     * The Instagram professional account id replies are sent from when the case does not name one; normally the
     * account the customer wrote to (the webhook's recipient) is used.
     */
    private String igUserId = "";

    @Override
    public String token() {
        return accessToken;
    }

    public String getAccessToken() { return accessToken; }
    public void setAccessToken(String accessToken) { this.accessToken = accessToken; }
    public String getIgUserId() { return igUserId; }
    public void setIgUserId(String igUserId) { this.igUserId = igUserId; }
}
