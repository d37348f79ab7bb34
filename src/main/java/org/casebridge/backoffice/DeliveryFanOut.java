package org.casebridge.backoffice;

import org.springframework.stereotype.Component;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The recipient list of {@code routes/cases-to-delivery-queues.yaml}: one delivery queue per configured target, so
 * each target is read by its own route and a slow or broken target never holds up another.
 */
@Component("deliveryFanOut")
public class DeliveryFanOut {

    private static final Pattern TARGET = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final String recipients;

    DeliveryFanOut(BackofficeProperties properties) {
        List<String> targets = properties.getTargets();
        for (String target : targets) {
            if (!TARGET.matcher(target).matches()) {
                throw new IllegalStateException("casebridge.backoffice.targets: '" + target
                        + "' is not a target name (lower-case letters, digits and '-', at most 63 characters)");
            }
        }
        this.recipients = targets.stream()
                .map(t -> "jms:queue:" + properties.getDeliveryQueuePrefix() + t + "?exchangePattern=InOnly&deliveryPersistent=true&jmsMessageType=Text")
                .collect(Collectors.joining(","));
    }

    /** The delivery queues' endpoint URIs, comma-separated (empty: no target). */
    public String recipients() {
        return recipients;
    }
}
