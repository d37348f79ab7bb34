package org.casebridge.channel.email;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** The {@code casebridge.email.outbox.*} settings: the SMTP server replies to customers go out through, and who they come from. */
@ConfigurationProperties("casebridge.email.outbox")
public class OutboxProperties {

    /** smtp (plain, or upgraded with STARTTLS) or smtps (TLS from the first byte). */
    private String protocol = "smtp";
    private String host = "127.0.0.1";
    private int port = 25;
    /** Upgrade smtp with STARTTLS and refuse to send without it. */
    private boolean starttls;
    /** Empty: send without logging in. */
    private String username;
    /** The password itself (give it from the environment), or use {@code password-file}. */
    private String password;
    /** A file holding the password (e.g. a container secret), read at every connection so it can be rotated. */
    private Path passwordFile;
    /** password, or oauth2: SASL XOAUTH2 with an access token from {@code oauth2} (Microsoft 365, Google); needs a username. */
    private String auth = "password";
    private final MailOAuth2 oauth2 = new MailOAuth2();
    /** The address customers see and answer to; its tokenised form ({@code local+cb-xxxxxx@domain}) is the Reply-To. */
    private String fromAddress = "support@casebridge.local";
    private String fromName;
    private Duration connectTimeout = Duration.ofSeconds(15);
    private Duration readTimeout = Duration.ofSeconds(60);

    public String getProtocol() { return protocol; }
    public void setProtocol(String protocol) { this.protocol = protocol == null ? null : protocol.strip().toLowerCase(Locale.ROOT); }
    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public boolean isStarttls() { return starttls; }
    public void setStarttls(boolean starttls) { this.starttls = starttls; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public Path getPasswordFile() { return passwordFile; }
    public void setPasswordFile(Path passwordFile) { this.passwordFile = passwordFile; }
    public String getAuth() { return auth; }
    public void setAuth(String auth) { this.auth = auth; }
    public MailOAuth2 getOauth2() { return oauth2; }

    /** Whether the outbox logs in with an OAuth2 access token (SASL XOAUTH2) instead of its password. */
    public boolean isOAuth2() { return MailOAuth2.isOAuth2(auth, "casebridge.email.outbox."); }

    public String getFromAddress() { return fromAddress; }
    public void setFromAddress(String fromAddress) { this.fromAddress = fromAddress; }
    public String getFromName() { return fromName; }
    public void setFromName(String fromName) { this.fromName = fromName; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }

    /** Whether the outbox logs in (a username is configured). */
    public boolean hasLogin() {
        return username != null && !username.isBlank();
    }

    /** The password from {@code password} or {@code password-file}. */
    public String resolvePassword() {
        return Passwords.resolve(password, passwordFile, "casebridge.email.outbox.password-file");
    }

    /** The local part of the from-address, as configured. */
    public String fromLocalPart() {
        return fromAddress.substring(0, fromAddress.lastIndexOf('@'));
    }

    /** The domain of the from-address, lower-case: it also names our Message-IDs. */
    public String fromDomain() {
        return fromAddress.substring(fromAddress.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /** Refuses settings that cannot work, naming the key. */
    public void validate() {
        String where = "casebridge.email.outbox.";
        if (!"smtp".equals(protocol) && !"smtps".equals(protocol)) {
            throw new IllegalStateException(where + "protocol must be smtp or smtps, not '" + protocol + "'");
        }
        if (starttls && "smtps".equals(protocol)) {
            throw new IllegalStateException(where + "starttls upgrades plain smtp; smtps is TLS already: set one of them");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalStateException(where + "host is required");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalStateException(where + "port " + port + " is not a TCP port");
        }
        if (isOAuth2()) {
            if (!hasLogin()) {
                throw new IllegalStateException(where + "username (the mailbox the token acts for) is required with auth: oauth2");
            }
            oauth2.validate(where);
        }
        if (fromAddress == null || fromAddress.isBlank()) {
            throw new IllegalStateException(where + "from-address is required");
        }
        try {
            InternetAddress address = new InternetAddress(fromAddress, true);
            if (address.getPersonal() != null || !fromAddress.contains("@")) {
                throw new AddressException("a bare address is needed, e.g. support@example.org");
            }
        } catch (AddressException e) {
            throw new IllegalStateException(where + "from-address '" + fromAddress + "' is not an email address: " + e.getMessage());
        }
        // a plus sign in the address would make the tokenised Reply-To ambiguous for the inbound threading
        if (fromLocalPart().contains("+")) {
            throw new IllegalStateException(where + "from-address must not contain '+': replies come back to <local>+cb-<case>@<domain>");
        }
    }
}
