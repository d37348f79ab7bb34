package org.casebridge.support;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the tests that share one whole bridge ({@link BridgeContext}): one Spring context for all of them.
 */
@BridgeContext
public abstract class BridgeTest {

    /** The demo client's key from config/application.yaml. */
    protected static final String API_KEY = "demo-key-change-me";

    /** The sandbox ports and data folder of this context. */
    @Autowired
    protected TestInfrastructure.Ports infrastructure;
}
