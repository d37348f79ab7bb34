package org.casebridge.channel.whatsapp;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** The {@code casebridge.channels.whatsapp.*} settings: the WhatsApp Cloud API app, number access and reply rules. */
@ConfigurationProperties("casebridge.channels.whatsapp")
public class WhatsAppProperties {

    /** What a reply does when WhatsApp's customer-service window is closed. */
    public enum Fallback {
        /** Send the configured template message inviting the customer to write back. */
        TEMPLATE,
        /** Deliver the reply by email when the customer's address is known on the case; else the template. */
        EMAIL
    }

    /** Whether the webhook and the reply flow run. */
    private boolean enabled;
    /** The Meta app's secret: X-Hub-Signature-256 is its HMAC of the body. Blank refuses every call. */
    private String appSecret = "";
    /** The token Meta's GET verification handshake must present (chosen when the webhook is set up). */
    private String verifyToken = "";
    /** The system user's access token for the Graph API (sending, media download). */
    private String accessToken = "";
    /** The Graph API's base URL (tests point it at a stub). */
    private String graphBaseUrl = "https://graph.facebook.com";
    /** Graph API version in every call. */
    private String apiVersion = "v21.0";
    /** How long after the customer's last message free text may be sent (WhatsApp's rule: 24 hours). */
    private Duration customerServiceWindow = Duration.ofHours(24);
    /** What to do with a reply when the window is closed. */
    private Fallback fallback = Fallback.TEMPLATE;
    /** The approved template sent when the window is closed. */
    private Template reopenTemplate = new Template();

    /** An approved WhatsApp message template. */
    public static class Template {
        /** The template's name as approved in WhatsApp Manager; blank sends none. */
        private String name = "";
        /** The template's language code, e.g. {@code en_GB}. */
        private String language = "en_GB";
        /** Whether the template has one body parameter, filled with the case reference. */
        private boolean caseReferenceParameter;

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getLanguage() { return language; }
        public void setLanguage(String language) { this.language = language; }
        public boolean isCaseReferenceParameter() { return caseReferenceParameter; }
        public void setCaseReferenceParameter(boolean caseReferenceParameter) { this.caseReferenceParameter = caseReferenceParameter; }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getAppSecret() { return appSecret; }
    public void setAppSecret(String appSecret) { this.appSecret = appSecret; }
    public String getVerifyToken() { return verifyToken; }
    public void setVerifyToken(String verifyToken) { this.verifyToken = verifyToken; }
    public String getAccessToken() { return accessToken; }
    public void setAccessToken(String accessToken) { this.accessToken = accessToken; }
    public String getGraphBaseUrl() { return graphBaseUrl; }
    public void setGraphBaseUrl(String graphBaseUrl) { this.graphBaseUrl = graphBaseUrl; }
    public String getApiVersion() { return apiVersion; }
    public void setApiVersion(String apiVersion) { this.apiVersion = apiVersion; }
    public Duration getCustomerServiceWindow() { return customerServiceWindow; }
    public void setCustomerServiceWindow(Duration customerServiceWindow) { this.customerServiceWindow = customerServiceWindow; }
    public Fallback getFallback() { return fallback; }
    public void setFallback(Fallback fallback) { this.fallback = fallback; }
    public Template getReopenTemplate() { return reopenTemplate; }
    public void setReopenTemplate(Template reopenTemplate) { this.reopenTemplate = reopenTemplate; }

    /** {@code <graph-base-url>/<api-version>}, without a trailing slash. */
    String graphApi() {
        String base = graphBaseUrl.endsWith("/") ? graphBaseUrl.substring(0, graphBaseUrl.length() - 1) : graphBaseUrl;
        return base + "/" + apiVersion;
    }
}
