package org.casebridge.support.faults;

import org.casebridge.CasebridgeApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The bridge with the test-only {@link KillPoints}: what {@link BridgeProcess} runs. */
public final class FaultBridgeMain {

    private FaultBridgeMain() {
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(CasebridgeApplication.class, KillPoints.class).run(args);
    }
}
