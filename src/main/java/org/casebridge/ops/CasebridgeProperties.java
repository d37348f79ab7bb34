package org.casebridge.ops;

import org.casebridge.cases.Priority;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * All {@code casebridge.*} settings in one place; {@code config/application.yaml} documents each key.
 */
@ConfigurationProperties("casebridge")
public class CasebridgeProperties {

    /** Folder for the embedded database, broker journal, attachment store and raw archive. */
    private Path dataDir = Path.of("data");
    private final Broker broker = new Broker();
    private final Api api = new Api();
    private final Store store = new Store();
    private final Cases cases = new Cases();
    private final Admin admin = new Admin();
    private final Http http = new Http();

    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public Broker getBroker() { return broker; }
    public Api getApi() { return api; }
    public Store getStore() { return store; }
    public Cases getCases() { return cases; }
    public Admin getAdmin() { return admin; }
    public Http getHttp() { return http; }

    /** Where messages go: an embedded ActiveMQ Classic broker unless {@code url} names an external one. */
    public static class Broker {
        /** External broker URL; empty means start the embedded broker and use it. */
        private String url = "";
        /** TCP address the embedded broker listens on (port 0 picks a free port). */
        private String embeddedBind = "tcp://127.0.0.1:61616";
        /** Name of the embedded broker (also its JMX name, shown in Hawtio). */
        private String embeddedName = "casebridge";
        /** The bridge's own broker user (every right); its password is generated at first start when blank. */
        private String username;
        private String password;
        /** Users of the embedded broker for back-office systems, each with its roles (producer, consumer). */
        private List<BrokerUser> users = new ArrayList<>();
        /** How long a send waits for a broker that does not answer before the request fails with 503. */
        private Duration sendTimeout = Duration.ofSeconds(5);

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getEmbeddedBind() { return embeddedBind; }
        public void setEmbeddedBind(String embeddedBind) { this.embeddedBind = embeddedBind; }
        public String getEmbeddedName() { return embeddedName; }
        public void setEmbeddedName(String embeddedName) { this.embeddedName = embeddedName; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public List<BrokerUser> getUsers() { return users; }
        public void setUsers(List<BrokerUser> users) { this.users = users; }
        public Duration getSendTimeout() { return sendTimeout; }
        public void setSendTimeout(Duration sendTimeout) { this.sendTimeout = sendTimeout; }

        public boolean isEmbedded() { return url == null || url.isBlank(); }
    }

    /** A back-office user of the embedded broker: {@code producer} writes replies and updates, {@code consumer} reads cases and deliveries. */
    public static class BrokerUser {
        private String username;
        /** Blank: generated at first start, stored under the data folder and printed once. */
        private String password;
        private List<String> roles = new ArrayList<>();

        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public List<String> getRoles() { return roles; }
        public void setRoles(List<String> roles) { this.roles = roles; }
    }

    /** The client-facing HTTP API ({@code /api/v1}). */
    public static class Api {
        /** Largest request body accepted, attachments (base64) included. */
        private DataSize maxRequestSize = DataSize.ofMegabytes(16);
        /** Largest single attachment, decoded. */
        private DataSize maxAttachmentSize = DataSize.ofMegabytes(10);
        /** Most attachments on one message. */
        private int maxAttachments = 10;
        /** Longest message text, in characters. */
        private int maxTextLength = 100_000;
        /** Region used to read phone numbers written without a country code (ISO 3166 code). */
        private String defaultPhoneRegion = "GB";
        /** Client systems and web forms allowed to call the API, each with its own key. */
        private List<Client> clients = new ArrayList<>();

        public DataSize getMaxRequestSize() { return maxRequestSize; }
        public void setMaxRequestSize(DataSize maxRequestSize) { this.maxRequestSize = maxRequestSize; }
        public DataSize getMaxAttachmentSize() { return maxAttachmentSize; }
        public void setMaxAttachmentSize(DataSize maxAttachmentSize) { this.maxAttachmentSize = maxAttachmentSize; }
        public int getMaxAttachments() { return maxAttachments; }
        public void setMaxAttachments(int maxAttachments) { this.maxAttachments = maxAttachments; }
        public int getMaxTextLength() { return maxTextLength; }
        public void setMaxTextLength(int maxTextLength) { this.maxTextLength = maxTextLength; }
        public String getDefaultPhoneRegion() { return defaultPhoneRegion; }
        public void setDefaultPhoneRegion(String defaultPhoneRegion) { this.defaultPhoneRegion = defaultPhoneRegion; }
        public List<Client> getClients() { return clients; }
        public void setClients(List<Client> clients) { this.clients = clients; }
    }

    /** One API client: an id, its key (or the key's SHA-256), and whether it vouches for the sender. */
    public static class Client {
        private String id;
        /** The key itself; prefer {@code key-sha256} or an environment variable. */
        private String key;
        /** Hex SHA-256 of the key, so the key need not appear in configuration. */
        private String keySha256;
        /** True for back-office systems that authenticated the customer; false for public web forms. */
        private boolean trustedIdentity;

        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getKey() { return key; }
        public void setKey(String key) { this.key = key; }
        public String getKeySha256() { return keySha256; }
        public void setKeySha256(String keySha256) { this.keySha256 = keySha256; }
        public boolean isTrustedIdentity() { return trustedIdentity; }
        public void setTrustedIdentity(boolean trustedIdentity) { this.trustedIdentity = trustedIdentity; }
    }

    /** Attachment store and raw archive (folders; share them between instances). */
    public static class Store {
        /** Attachment store folder; defaults to {@code <data-dir>/attachments}. */
        private Path attachmentsDir;
        /** Raw archive folder; defaults to {@code <data-dir>/raw}. */
        private Path rawDir;
        /** Force every stored file to disk before the sender is answered. */
        private boolean fsync = true;

        public Path getAttachmentsDir() { return attachmentsDir; }
        public void setAttachmentsDir(Path attachmentsDir) { this.attachmentsDir = attachmentsDir; }
        public Path getRawDir() { return rawDir; }
        public void setRawDir(Path rawDir) { this.rawDir = rawDir; }
        public boolean isFsync() { return fsync; }
        public void setFsync(boolean fsync) { this.fsync = fsync; }
    }

    /** Defaults applied to new cases until triage and the SLA policy set them. */
    public static class Cases {
        private Priority defaultPriority = Priority.P3;
        /** First-response target from receipt; null leaves {@code sla.firstResponseDue} empty. */
        private Duration firstResponseTarget = Duration.ofHours(24);

        public Priority getDefaultPriority() { return defaultPriority; }
        public void setDefaultPriority(Priority defaultPriority) { this.defaultPriority = defaultPriority; }
        public Duration getFirstResponseTarget() { return firstResponseTarget; }
        public void setFirstResponseTarget(Duration firstResponseTarget) { this.firstResponseTarget = firstResponseTarget; }
    }

    /**
     * Who may use Hawtio, Jolokia, actuator and {@code /api/v1/admin/**}: always a login, whatever the bind address.
     * {@code username}/{@code password} is the first administrator (password generated at first start on loopback);
     * {@code users} adds more, each with one role: viewer, operator or admin.
     */
    public static class Admin {
        private String username = "admin";
        /** Clear text or a Spring Security hash ({@code {bcrypt}...}); blank on loopback: generated at first start. */
        private String password;
        private List<AdminUser> users = new ArrayList<>();
        /** {@code /actuator/health} answers without a login (load balancers and probes). */
        private boolean publicHealth = true;
        /** {@code /actuator/prometheus} answers without a login (else a viewer's login). */
        private boolean publicPrometheus = false;
        /** Users signing in with OIDC ({@code spring.security.oauth2.client.registration.*}), by e-mail or subject, and their role. */
        private java.util.Map<String, String> oidcUsers = new java.util.LinkedHashMap<>();

        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public List<AdminUser> getUsers() { return users; }
        public void setUsers(List<AdminUser> users) { this.users = users; }
        public boolean isPublicHealth() { return publicHealth; }
        public void setPublicHealth(boolean publicHealth) { this.publicHealth = publicHealth; }
        public boolean isPublicPrometheus() { return publicPrometheus; }
        public void setPublicPrometheus(boolean publicPrometheus) { this.publicPrometheus = publicPrometheus; }
        public java.util.Map<String, String> getOidcUsers() { return oidcUsers; }
        public void setOidcUsers(java.util.Map<String, String> oidcUsers) { this.oidcUsers = oidcUsers; }
    }

    /** A further user of the admin surfaces; {@code password} is best given as a hash ({@code {bcrypt}...}). */
    public static class AdminUser {
        private String username;
        private String password;
        /** viewer (read-only), operator (routes, dead letters, messages) or admin (customers, everything). */
        private String role = "viewer";

        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public String getRole() { return role; }
        public void setRole(String role) { this.role = role; }
    }

    /** Checks on every HTTP request. */
    public static class Http {
        /** Host header values accepted (host or host:port); empty accepts any. */
        private List<String> allowedHosts = new ArrayList<>();

        public List<String> getAllowedHosts() { return allowedHosts; }
        public void setAllowedHosts(List<String> allowedHosts) { this.allowedHosts = allowedHosts; }
    }
}
