package org.casebridge.channel.email;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code casebridge.email.*} settings: inbound mailboxes and the local sandbox mail server. */
@ConfigurationProperties("casebridge.email")
public class EmailProperties {

    private List<Mailbox> mailboxes = new ArrayList<>();
    private final Sandbox sandbox = new Sandbox();
    /** Largest mail accepted, as the server reports its size; larger mails are left on the server and recorded. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(25);
    /** Largest single attachment, decoded. */
    private DataSize maxAttachmentSize = DataSize.ofMegabytes(20);
    /** Most attachments in one mail, forwarded mails' attachments included. */
    private int maxAttachments = 50;
    /**
     * authserv-ids (RFC 8601) of the organisation's own receiving servers, whose Authentication-Results fields are
     * believed; a mailbox's own {@code authserv-ids} replace them. Any other such field is ignored.
     */
    private List<String> trustedAuthservIds = new ArrayList<>();

    public DataSize getMaxMessageSize() { return maxMessageSize; }
    public void setMaxMessageSize(DataSize maxMessageSize) { this.maxMessageSize = maxMessageSize; }
    public DataSize getMaxAttachmentSize() { return maxAttachmentSize; }
    public void setMaxAttachmentSize(DataSize maxAttachmentSize) { this.maxAttachmentSize = maxAttachmentSize; }
    public int getMaxAttachments() { return maxAttachments; }
    public void setMaxAttachments(int maxAttachments) { this.maxAttachments = maxAttachments; }

    /** The normaliser's limits: the sizes above, the structural bounds at their defaults. */
    public EmailLimits limits() {
        EmailLimits defaults = EmailLimits.defaults();
        return new EmailLimits(maxMessageSize.toBytes(), maxAttachmentSize.toBytes(), maxAttachments, defaults.maxParts(),
                defaults.maxNestingDepth(), defaults.maxHeaderCount(), defaults.maxHeaderLength(), defaults.maxLineLength());
    }

    public List<String> getTrustedAuthservIds() { return trustedAuthservIds; }
    public void setTrustedAuthservIds(List<String> trustedAuthservIds) { this.trustedAuthservIds = trustedAuthservIds; }

    /** Whose Authentication-Results each mailbox believes: its own authserv-ids, else the default ones. */
    public SenderAuthentication senderAuthentication() {
        Map<String, List<String>> byMailbox = new HashMap<>();
        for (Mailbox mailbox : mailboxes) {
            if (mailbox.getName() != null && mailbox.getAuthservIds() != null && !mailbox.getAuthservIds().isEmpty()) {
                byMailbox.put(mailbox.getName(), mailbox.getAuthservIds());
            }
        }
        return new SenderAuthentication(trustedAuthservIds, byMailbox);
    }

    public List<Mailbox> getMailboxes() { return mailboxes; }
    public void setMailboxes(List<Mailbox> mailboxes) { this.mailboxes = mailboxes; }
    public Sandbox getSandbox() { return sandbox; }

    /** The mailbox called {@code name}, or a clear error naming the configured ones. */
    public Mailbox mailbox(String name) {
        return mailboxes.stream().filter(m -> name.equals(m.getName())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No mailbox '" + name + "' in casebridge.email.mailboxes (configured: "
                        + mailboxes.stream().map(Mailbox::getName).toList() + ")"));
    }

    /** What happens to a mail once its case is durably on the broker (or it was rejected and recorded). */
    public enum AfterProcessing {
        /** Marks the mail \\Seen: only for a mailbox no person reads (a mail opened by staff would be skipped). */
        SEEN,
        /** Sets the bridge's own keyword ($CasebridgeTaken), leaving \\Seen to people: the default for IMAP. */
        KEYWORD,
        /** Moves the mail to processed-folder. */
        MOVE,
        /** Deletes the mail (the only choice for POP3). */
        DELETE
    }

    /** One inbound mailbox. */
    public static class Mailbox {
        /** Name used in routes ({@code mailbox:<name>}) and as {@code source.system}. */
        private String name;
        /** imap, imaps, pop3 or pop3s. */
        private String protocol = "imap";
        private String host = "127.0.0.1";
        private int port = 143;
        private String username;
        /** The password itself (give it from the environment), or use {@code password-file}. */
        private String password;
        /** A file holding the password (e.g. a container secret), read at connect time. */
        private Path passwordFile;
        /** password, or oauth2: SASL XOAUTH2 with an access token from {@code oauth2} (Microsoft 365, Google). */
        private String auth = "password";
        private final MailOAuth2 oauth2 = new MailOAuth2();
        /** Upgrade plain IMAP/POP3 with STARTTLS, and refuse to log in without it. */
        private boolean starttls;
        private String folder = "INBOX";
        /** Use IMAP IDLE (push) when the server offers it; otherwise, and for POP3, poll. */
        private boolean idle = true;
        /** Fallback polling interval (no IDLE, or POP3). */
        private Duration pollInterval = Duration.ofSeconds(30);
        /**
         * IDLE is renewed this often, so neither the server nor a NAT box drops the quiet connection, and a server
         * that does not report mail arriving just as IDLE starts is asked again.
         */
        private Duration idleRefresh = Duration.ofMinutes(1);
        /** seen (IMAP only), move (IMAP only, to processed-folder) or delete. */
        private AfterProcessing afterProcessing = AfterProcessing.KEYWORD;
        private String processedFolder = "Processed";
        /** Socket connect and read timeouts. */
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration readTimeout = Duration.ofMinutes(5);
        /** This mailbox's trusted authserv-ids, in place of {@code trusted-authserv-ids}; empty: those. */
        private List<String> authservIds;

        public List<String> getAuthservIds() { return authservIds; }
        public void setAuthservIds(List<String> authservIds) { this.authservIds = authservIds; }
        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getProtocol() { return protocol; }
        public void setProtocol(String protocol) { this.protocol = protocol == null ? null : protocol.toLowerCase(Locale.ROOT); }
        public String getHost() { return host; }
        public void setHost(String host) { this.host = host; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public Path getPasswordFile() { return passwordFile; }
        public void setPasswordFile(Path passwordFile) { this.passwordFile = passwordFile; }
        public String getAuth() { return auth; }
        public void setAuth(String auth) { this.auth = auth; }
        public MailOAuth2 getOauth2() { return oauth2; }
        public boolean isStarttls() { return starttls; }
        public void setStarttls(boolean starttls) { this.starttls = starttls; }
        public String getFolder() { return folder; }
        public void setFolder(String folder) { this.folder = folder; }
        public boolean isIdle() { return idle; }
        public void setIdle(boolean idle) { this.idle = idle; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public Duration getIdleRefresh() { return idleRefresh; }
        public void setIdleRefresh(Duration idleRefresh) { this.idleRefresh = idleRefresh; }
        public AfterProcessing getAfterProcessing() { return afterProcessing; }
        public void setAfterProcessing(AfterProcessing afterProcessing) { this.afterProcessing = afterProcessing; }
        public String getProcessedFolder() { return processedFolder; }
        public void setProcessedFolder(String processedFolder) { this.processedFolder = processedFolder; }
        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getReadTimeout() { return readTimeout; }
        public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }

        public boolean isImap() { return protocol.startsWith("imap"); }

        /** Whether the mailbox logs in with an OAuth2 access token (SASL XOAUTH2) instead of its password. */
        public boolean isOAuth2() { return MailOAuth2.isOAuth2(auth, where()); }

        /** The key prefix that names this mailbox in error messages. */
        String where() { return "casebridge.email.mailboxes '" + name + "': "; }

        /** The password from {@code password} or {@code password-file}. */
        public String resolvePassword() {
            return Passwords.resolve(password, passwordFile, "the password-file of mailbox '" + name + "'");
        }

        /** Refuses settings that cannot work, naming the mailbox and the key. */
        public void validate() {
            String where = "casebridge.email.mailboxes '" + name + "': ";
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("casebridge.email.mailboxes: every mailbox needs a name");
            }
            if (!List.of("imap", "imaps", "pop3", "pop3s").contains(protocol)) {
                throw new IllegalStateException(where + "protocol must be imap, imaps, pop3 or pop3s, not '" + protocol + "'");
            }
            if (!isImap() && afterProcessing != AfterProcessing.DELETE) {
                throw new IllegalStateException(where + "POP3 can neither mark nor move a message: set after-processing: delete");
            }
            if (username == null || username.isBlank()) {
                throw new IllegalStateException(where + "username is required");
            }
            if (isOAuth2()) {
                oauth2.validate(where);
            }
        }
    }

    /** A local GreenMail server for trying casebridge out: a real SMTP and IMAP server on loopback. */
    public static class Sandbox {
        private boolean enabled;
        private int smtpPort = 3025;
        private int imapPort = 3143;
        /** The mailbox the sandbox creates (also its login). */
        private String address = "support@casebridge.local";
        private String password = "sandbox";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public int getSmtpPort() { return smtpPort; }
        public void setSmtpPort(int smtpPort) { this.smtpPort = smtpPort; }
        public int getImapPort() { return imapPort; }
        public void setImapPort(int imapPort) { this.imapPort = imapPort; }
        public String getAddress() { return address; }
        public void setAddress(String address) { this.address = address; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
    }
}
