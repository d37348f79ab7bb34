package org.casebridge;

import org.casebridge.channel.email.EmailProperties;
import org.casebridge.cli.NormaliseCommand;
import org.casebridge.cli.ValidateCommand;
import org.casebridge.ops.CasebridgeProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** casebridge: every customer message, on every channel, becomes one canonical Case for the back office. */
@SpringBootApplication
@EnableConfigurationProperties({CasebridgeProperties.class, EmailProperties.class})
public class CasebridgeApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("normalise")) {
            System.exit(NormaliseCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("validate")) {
            System.exit(ValidateCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        SpringApplication.run(CasebridgeApplication.class, args);
    }
}
