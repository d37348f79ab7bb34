package org.casebridge.channel.email;

import jakarta.mail.PasswordAuthentication;
import org.apache.camel.component.mail.MailAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Properties;

/**
 * What the outbox's smtp/smtps endpoint in {@code routes/case-replies-to-customer.yaml} refers to by name: the login
 * ({@code #outboxAuthenticator}) and the TLS and timeout settings ({@code #outboxMailProperties}), both from
 * {@code casebridge.email.outbox}.
 * <p>
 * The login is a bean rather than {@code username=}/{@code password=} in the endpoint URI: a password then never
 * needs URI escaping, never shows in an endpoint URI (Hawtio, logs), and a {@code password-file} is read at every
 * connection, so a rotated secret is picked up without a restart.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OutboxProperties.class)
class OutboxConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxConfiguration.class);

    @Bean
    MailAuthenticator outboxAuthenticator(OutboxProperties outbox, MailTokens tokens) {
        return new MailAuthenticator() {
            @Override
            public PasswordAuthentication getPasswordAuthentication() {
                // no username: camel-mail then sets mail.<protocol>.auth=false and connects without logging in
                if (!outbox.hasLogin()) {
                    return new PasswordAuthentication(null, null);
                }
                if (!outbox.isOAuth2()) {
                    return new PasswordAuthentication(outbox.getUsername(), outbox.resolvePassword());
                }
                // camel-mail also asks while it builds the endpoint's session, at route start, only to learn whether to
                // log in: no token then, so a token endpoint that is down cannot stop the bridge from starting
                if (StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> "createJavaMailProperties".equals(f.getMethodName())))) {
                    return new PasswordAuthentication(outbox.getUsername(), null);
                }
                // asked at every connection: the cached token, renewed shortly before it expires
                return new PasswordAuthentication(outbox.getUsername(), tokens.token(outbox.getUsername(), outbox.getOauth2(), "casebridge.email.outbox."));
            }
        };
    }

    @Bean
    Properties outboxMailProperties(OutboxProperties outbox) {
        // settings that cannot work stop the start here, naming the key (EmailReplySender checks them too)
        outbox.validate();
        String prefix = "mail." + outbox.getProtocol() + ".";
        Properties properties = new Properties();
        properties.setProperty(prefix + "connectiontimeout", String.valueOf(outbox.getConnectTimeout().toMillis()));
        properties.setProperty(prefix + "timeout", String.valueOf(outbox.getReadTimeout().toMillis()));
        properties.setProperty(prefix + "writetimeout", String.valueOf(outbox.getReadTimeout().toMillis()));
        if (outbox.isStarttls()) {
            // required, not just enabled: a relay that stops offering STARTTLS must not get the mail in clear text
            properties.setProperty(prefix + "starttls.enable", "true");
            properties.setProperty(prefix + "starttls.required", "true");
        }
        if (outbox.isOAuth2()) {
            // SASL XOAUTH2 only, the access token as the password (Microsoft 365 SMTP AUTH, Gmail)
            properties.setProperty(prefix + "auth.mechanisms", "XOAUTH2");
            properties.setProperty(prefix + "auth.xoauth2.disable", "false");
        }
        if (outbox.isStarttls() || "smtps".equals(outbox.getProtocol())) {
            properties.setProperty(prefix + "ssl.checkserveridentity", "true");
        }
        LOG.info("Outbox: {}://{}:{}{}, from {}{}", outbox.getProtocol(), outbox.getHost(), outbox.getPort(),
                outbox.isStarttls() ? " (STARTTLS required)" : "", outbox.getFromAddress(),
                outbox.hasLogin() ? ", login " + outbox.getUsername() + (outbox.isOAuth2() ? " (XOAUTH2)" : "") : ", no login");
        return properties;
    }
}
