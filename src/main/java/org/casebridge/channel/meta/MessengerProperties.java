package org.casebridge.channel.meta;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code casebridge.channels.messenger.*} settings: Facebook Messenger for one Facebook Page. */
@ConfigurationProperties("casebridge.channels.messenger")
public class MessengerProperties extends MetaMessagingProperties {

    /** The Page access token the Send API is called with ({@code /me/messages} is then the Page). */
    private String pageAccessToken = "";

    @Override
    public String token() {
        return pageAccessToken;
    }

    public String getPageAccessToken() { return pageAccessToken; }
    public void setPageAccessToken(String pageAccessToken) { this.pageAccessToken = pageAccessToken; }
}
