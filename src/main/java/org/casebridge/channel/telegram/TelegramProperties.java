package org.casebridge.channel.telegram;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code casebridge.channels.telegram.*} settings: the bot's token, the webhook's secret token and the API's address. */
@ConfigurationProperties("casebridge.channels.telegram")
public class TelegramProperties {

    /** Start the webhook and sender flows. */
    private boolean enabled;
    /** The bot's token from BotFather (secret: from the environment). */
    private String botToken;
    /**
     * The secret given to setWebhook as {@code secret_token}: Telegram sends it in X-Telegram-Bot-Api-Secret-Token with
     * every call, and a call without it is refused.
     */
    private String secretToken;
    /** The bot's username, naming the account in {@code source.system} ({@code telegram:<username>}). */
    private String botUsername = "bot";
    /** The Bot API's address. */
    private String apiBaseUrl = "https://api.telegram.org";

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getBotToken() { return botToken; }
    public void setBotToken(String botToken) { this.botToken = botToken; }
    public String getSecretToken() { return secretToken; }
    public void setSecretToken(String secretToken) { this.secretToken = secretToken; }
    public String getBotUsername() { return botUsername; }
    public void setBotUsername(String botUsername) { this.botUsername = botUsername; }
    public String getApiBaseUrl() { return apiBaseUrl; }
    public void setApiBaseUrl(String apiBaseUrl) { this.apiBaseUrl = apiBaseUrl; }
}
