package org.casebridge.replies;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.springframework.stereotype.Component;

/**
 * Which channels can carry replies: a channel can when a route consumes from {@code direct:send-<channel>}
 * ({@code routes/case-replies-to-<channel>.yaml}). Checked before a reply is handed over, so a channel without a
 * sender fails the reply with that reason rather than with a missing-endpoint error.
 */
@Component("outboundChannels")
public class OutboundChannels {

    private final CamelContext camel;

    OutboundChannels(CamelContext camel) {
        this.camel = camel;
    }

    /**
     * Whether a sender route for {@code channel} (wire name) runs in this bridge. A route that exists but is not
     * started (a platform with {@code enabled: false}) is no sender: a call to its direct endpoint would wait for a
     * consumer that never comes, holding the reply consumer on every redelivery.
     */
    public boolean hasSender(String channel) {
        String uri = "direct://send-" + channel;
        return camel.getRoutes().stream().filter(route -> uri.equals(route.getEndpoint().getEndpointUri()))
                .map(Route::getId).map(id -> camel.getRouteController().getRouteStatus(id))
                .anyMatch(status -> status != null && status.isStarted());
    }

    /** Route step: fails the reply when its delivery channel has no sender. */
    public void requireSender(Exchange exchange) {
        String channel = exchange.getMessage().getHeader(ReplyHeaders.DELIVERY_CHANNEL, String.class);
        if (channel == null || !hasSender(channel)) {
            throw new UnsupportedOperationException("No outbound sender for channel " + channel + ": reply "
                    + exchange.getMessage().getHeader("CasebridgeMessageId") + " to case " + exchange.getMessage().getHeader("CasebridgeCaseId")
                    + " cannot be delivered (no started route consumes direct:send-" + channel + ": is the channel enabled?)");
        }
    }
}
