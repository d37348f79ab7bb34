package org.casebridge;

import org.casebridge.channel.email.EmailProperties;
import org.casebridge.ops.CasebridgeProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** casebridge: every customer message, on every channel, becomes one canonical Case for the back office. */
@SpringBootApplication
@EnableConfigurationProperties({CasebridgeProperties.class, EmailProperties.class})
public class CasebridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(CasebridgeApplication.class, args);
    }
}
