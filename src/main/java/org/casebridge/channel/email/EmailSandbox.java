package org.casebridge.channel.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The sandbox mail server of the default profile: GreenMail with SMTP and IMAP on loopback and one mailbox, so a
 * newcomer can send a mail and watch it become a case without a real mail server. Started before the routes.
 */
@Component
@ConditionalOnProperty(name = "casebridge.email.sandbox.enabled", havingValue = "true")
public class EmailSandbox implements SmartLifecycle, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(EmailSandbox.class);

    private final EmailProperties.Sandbox settings;
    private GreenMail greenMail;

    public EmailSandbox(EmailProperties properties) {
        this.settings = properties.getSandbox();
        // started here rather than in start(): the mailbox consumer may connect while the context is refreshing
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(settings.getSmtpPort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(settings.getImapPort(), "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        // support+cb-7k3m9q@... (the tokenised reply address) lands in support@'s inbox, as on real servers
        greenMail.getUserManager().setSieveIgnoreDetail(true);
        greenMail.setUser(settings.getAddress(), settings.getAddress(), settings.getPassword());
        LOG.info("Sandbox mail server: SMTP 127.0.0.1:{}, IMAP 127.0.0.1:{}, mailbox {} (password '{}')",
                greenMail.getSmtp().getPort(), greenMail.getImap().getPort(), settings.getAddress(), settings.getPassword());
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public void start() {
        // already running
    }

    @Override
    public void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    /** Also when the context fails to start: GreenMail's server threads would otherwise keep the JVM alive. */
    @Override
    public void destroy() {
        stop();
    }

    @Override
    public boolean isRunning() {
        return greenMail != null;
    }

    @Override
    public int getPhase() {
        return Integer.MIN_VALUE; // stopped last, after the routes reading from it
    }
}
