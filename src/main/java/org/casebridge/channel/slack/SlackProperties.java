package org.casebridge.channel.slack;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code casebridge.channels.slack.*} settings: the staff Slack app's signing secret, bot token and channel. */
@ConfigurationProperties("casebridge.channels.slack")
public class SlackProperties {

    /** Whether the notification flows and the interaction webhook run. */
    private boolean enabled;
    /** The Slack app's signing secret: checks X-Slack-Signature on /webhooks/slack. Empty refuses every call. */
    private String signingSecret = "";
    /** The app's bot token (xoxb-...), with chat:write, that posts notifications. */
    private String botToken = "";
    /** The staff channel notifications go to: an id (C0123ABC) or #name the bot is a member of. */
    private String channel = "#casebridge-staff";
    /** Slack's server; camel-slack calls {@code <server-url>/api/chat.postMessage}. */
    private String serverUrl = "https://slack.com";
    /** The queue other flows put staff notifications on. */
    private String notificationQueue = "casebridge.staff.notifications";

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getSigningSecret() { return signingSecret; }
    public void setSigningSecret(String signingSecret) { this.signingSecret = signingSecret; }
    public String getBotToken() { return botToken; }
    public void setBotToken(String botToken) { this.botToken = botToken; }
    public String getChannel() { return channel; }
    public void setChannel(String channel) { this.channel = channel; }
    public String getServerUrl() { return serverUrl; }
    public void setServerUrl(String serverUrl) { this.serverUrl = serverUrl; }
    public String getNotificationQueue() { return notificationQueue; }
    public void setNotificationQueue(String notificationQueue) { this.notificationQueue = notificationQueue; }
}
