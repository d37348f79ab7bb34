package org.casebridge.channel.chat;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/** The {@code casebridge.chat.*} settings, shared by every chat platform's webhook. */
@ConfigurationProperties("casebridge.chat")
public class ChatProperties {

    /** Largest webhook body accepted (413 above it); platforms send kilobytes, media comes separately. */
    private DataSize maxWebhookSize = DataSize.ofKilobytes(512);
    /** Largest media item fetched from a platform; a larger one is left on the platform and named in the message. */
    private DataSize maxMediaSize = DataSize.ofMegabytes(25);
    /** Time allowed to fetch one media item: the platform is waiting for our answer meanwhile. */
    private Duration mediaTimeout = Duration.ofSeconds(8);
    /** How long a signed timestamp stays acceptable (both directions, for clock skew). */
    private Duration signatureMaxAge = Duration.ofMinutes(5);
    /** A customer's new message continues their open case on the channel if that case had activity within this time. */
    private Duration continueWithin = Duration.ofDays(14);
    /** Region for phone numbers written without a country code (ISO 3166 code). */
    private String defaultRegion = "GB";
    /** Send the customer an automatic acknowledgement with the case reference when their message opens a case. */
    private boolean acknowledge = true;

    /**
     * Hosts media may be fetched from, per platform (wire name: whatsapp, messenger, ...); {@code *.example.com}
     * matches every subdomain. Every hop of a redirect is checked.
     */
    private java.util.Map<String, java.util.List<String>> mediaHosts = new java.util.LinkedHashMap<>();
    /**
     * Hosts allowed for every platform although they are not on its list and resolve to loopback or private
     * addresses: empty in production; tests name their stub (127.0.0.1), a site may name its own media proxy.
     */
    private java.util.List<String> mediaInternalHosts = new java.util.ArrayList<>();

    public java.util.Map<String, java.util.List<String>> getMediaHosts() { return mediaHosts; }
    public void setMediaHosts(java.util.Map<String, java.util.List<String>> mediaHosts) { this.mediaHosts = mediaHosts; }
    public java.util.List<String> getMediaInternalHosts() { return mediaInternalHosts; }
    public void setMediaInternalHosts(java.util.List<String> mediaInternalHosts) { this.mediaInternalHosts = mediaInternalHosts; }
    public DataSize getMaxWebhookSize() { return maxWebhookSize; }
    public void setMaxWebhookSize(DataSize maxWebhookSize) { this.maxWebhookSize = maxWebhookSize; }
    public DataSize getMaxMediaSize() { return maxMediaSize; }
    public void setMaxMediaSize(DataSize maxMediaSize) { this.maxMediaSize = maxMediaSize; }
    public Duration getMediaTimeout() { return mediaTimeout; }
    public void setMediaTimeout(Duration mediaTimeout) { this.mediaTimeout = mediaTimeout; }
    public Duration getSignatureMaxAge() { return signatureMaxAge; }
    public void setSignatureMaxAge(Duration signatureMaxAge) { this.signatureMaxAge = signatureMaxAge; }
    public Duration getContinueWithin() { return continueWithin; }
    public void setContinueWithin(Duration continueWithin) { this.continueWithin = continueWithin; }
    public String getDefaultRegion() { return defaultRegion; }
    public void setDefaultRegion(String defaultRegion) { this.defaultRegion = defaultRegion; }
    public boolean isAcknowledge() { return acknowledge; }
    public void setAcknowledge(boolean acknowledge) { this.acknowledge = acknowledge; }
}
