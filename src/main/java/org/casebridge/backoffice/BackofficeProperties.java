package org.casebridge.backoffice;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/** The {@code casebridge.backoffice.*} settings: which delivery targets get the cases, and where updates come from. */
@ConfigurationProperties("casebridge.backoffice")
public class BackofficeProperties {

    /** Deliver the messages on {@code casebridge.cases.new} to the targets (false: leave the queue to other consumers). */
    private boolean enabled = true;
    /** Names of the delivery targets; target N is fed through queue {@code <delivery-queue-prefix>N}. */
    private List<String> targets = new ArrayList<>();
    /** Prefix of the per-target delivery queues. */
    private String deliveryQueuePrefix = "casebridge.delivery.";
    /** Where the project's route templates (kamelets) are. */
    private String kameletsLocation = "file:routes/kamelets";

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public List<String> getTargets() { return targets; }
    public void setTargets(List<String> targets) { this.targets = targets; }
    public String getDeliveryQueuePrefix() { return deliveryQueuePrefix; }
    public void setDeliveryQueuePrefix(String deliveryQueuePrefix) { this.deliveryQueuePrefix = deliveryQueuePrefix; }
    public String getKameletsLocation() { return kameletsLocation; }
    public void setKameletsLocation(String kameletsLocation) { this.kameletsLocation = kameletsLocation; }
}
