package org.casebridge.channel.meta;

import java.time.Duration;

/**
 * The settings Facebook Messenger and Instagram messaging share, as both run on Meta's Messenger Platform: the
 * webhook's app secret and verify token, where the Graph API is, and how replies treat the messaging window.
 */
public abstract class MetaMessagingProperties {

    /** Whether the webhook and the reply flow run. */
    private boolean enabled;
    /** The Meta app's secret: the key of the X-Hub-Signature-256 HMAC. Unset, every webhook call is refused (401). */
    private String appSecret = "";
    /** The token typed into the app's webhook settings; Meta sends it back in the GET handshake. */
    private String verifyToken = "";
    /** The Graph API's base URL (tests point it at a stub). */
    private String graphBaseUrl = "https://graph.facebook.com";
    /** The Graph API version replies are sent with. */
    private String apiVersion = "v21.0";
    /** Meta's standard messaging window: a reply within this time of the customer's last message is a RESPONSE. */
    private Duration standardWindow = Duration.ofHours(24);
    /**
     * Send replies after the standard window with the HUMAN_AGENT message tag (the app needs Meta's Human Agent
     * permission); without it such replies are refused before they are sent.
     */
    private boolean humanAgentTag;
    /** How long after the customer's last message the HUMAN_AGENT tag allows a reply (Meta: 7 days). */
    private Duration humanAgentWindow = Duration.ofDays(7);

    /** The access token replies are sent with. */
    public abstract String token();

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getAppSecret() { return appSecret; }
    public void setAppSecret(String appSecret) { this.appSecret = appSecret; }
    public String getVerifyToken() { return verifyToken; }
    public void setVerifyToken(String verifyToken) { this.verifyToken = verifyToken; }
    public String getGraphBaseUrl() { return graphBaseUrl; }
    public void setGraphBaseUrl(String graphBaseUrl) { this.graphBaseUrl = graphBaseUrl; }
    public String getApiVersion() { return apiVersion; }
    public void setApiVersion(String apiVersion) { this.apiVersion = apiVersion; }
    public Duration getStandardWindow() { return standardWindow; }
    public void setStandardWindow(Duration standardWindow) { this.standardWindow = standardWindow; }
    public boolean isHumanAgentTag() { return humanAgentTag; }
    public void setHumanAgentTag(boolean humanAgentTag) { this.humanAgentTag = humanAgentTag; }
    public Duration getHumanAgentWindow() { return humanAgentWindow; }
    public void setHumanAgentWindow(Duration humanAgentWindow) { this.humanAgentWindow = humanAgentWindow; }
}
