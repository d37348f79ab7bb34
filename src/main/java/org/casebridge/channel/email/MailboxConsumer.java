package org.casebridge.channel.email;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FlagTerm;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.Channel;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads one mailbox: every mail not yet processed is handed to the route as its raw bytes, one at a time and in
 * arrival order, and only when the route completes (the case durably on the broker, or the mail rejected and
 * recorded) is the mail marked seen, moved or deleted. A mail whose route fails stays in the mailbox and is read
 * again later. Between mails the consumer waits in IMAP IDLE, or polls; a dropped connection is re-opened with
 * back-off.
 */
class MailboxConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** The IMAP keyword (user flag) that marks a mail as taken by the bridge under after-processing: keyword. */
    static final String TAKEN_KEYWORD = "$CasebridgeTaken";

    private final EmailProperties.Mailbox mailbox;
    private final long maxMessageSize;
    private volatile boolean running;
    private volatile Store store;
    private volatile Folder folder;
    private volatile boolean idling;
    private Thread worker;
    private ScheduledExecutorService keepAlive;
    private final MailTokens tokens;
    private final MailboxStatus status;

    MailboxConsumer(MailboxEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.mailbox = endpoint.mailbox();
        this.maxMessageSize = endpoint.maxMessageSize();
        this.tokens = endpoint.tokens();
        this.status = endpoint.health().status(mailbox.getName(), mailbox.isOAuth2() ? "oauth2" : "password");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        keepAlive = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "casebridge-mailbox-" + mailbox.getName() + "-keepalive"));
        long refresh = mailbox.getIdleRefresh().toMillis();
        keepAlive.scheduleWithFixedDelay(this::refreshIdle, refresh, refresh, TimeUnit.MILLISECONDS);
        if (mailbox.isOAuth2()) {
            keepAlive.scheduleWithFixedDelay(this::renewToken, refresh, refresh, TimeUnit.MILLISECONDS);
        }
        worker = daemon(this::run, "casebridge-mailbox-" + mailbox.getName());
        worker.start();
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (keepAlive != null) { // null when stopped before it ever started
            keepAlive.shutdownNow();
        }
        status.stopped();
        disconnect(); // breaks an IDLE in progress
        if (worker != null) {
            worker.interrupt();
            worker.join(10_000);
        }
        super.doStop();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private void run() {
        long backoff = 1000;
        while (running) {
            try {
                connect();
                backoff = 1000;
                while (running) {
                    int count = drain();
                    if (!mailbox.isImap() || !arrivedSince(count)) {
                        waitForMail();
                    }
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                LOG.warn("Mailbox '{}' ({}://{}:{}): {}; retrying in {} s", mailbox.getName(), mailbox.getProtocol(), mailbox.getHost(),
                        mailbox.getPort(), e.getMessage(), backoff / 1000);
                status.failed(e.getMessage(), Instant.now());
                disconnect();
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
        disconnect();
    }

    private void connect() throws MessagingException {
        String protocol = mailbox.getProtocol();
        Properties props = new Properties();
        String prefix = "mail." + protocol + ".";
        props.put(prefix + "connectiontimeout", String.valueOf(mailbox.getConnectTimeout().toMillis()));
        props.put(prefix + "timeout", String.valueOf(mailbox.getReadTimeout().toMillis()));
        // reading a message must not mark it \Seen: only a completed route does
        props.put(prefix + "peek", "true");
        if (mailbox.isStarttls()) {
            props.put(prefix + "starttls.enable", "true");
            props.put(prefix + "starttls.required", "true");
        }
        if (mailbox.isOAuth2()) {
            // SASL XOAUTH2 only, the token as the password: the mailbox's password is never sent
            props.put(prefix + "auth.mechanisms", "XOAUTH2");
            props.put(prefix + "auth.xoauth2.disable", "false");
        }
        Session session = Session.getInstance(props);
        Store connected = session.getStore(protocol);
        login(connected);
        store = connected;
        if (mailbox.isImap()) {
            openFolder();
            status.connected(idleSupported() ? MailboxStatus.Mode.IDLE : MailboxStatus.Mode.POLLING, Instant.now());
            LOG.info("Mailbox '{}' connected to {}://{}:{}/{}, {}", mailbox.getName(), protocol, mailbox.getHost(), mailbox.getPort(),
                    mailbox.getFolder(), idleSupported() ? "waiting in IMAP IDLE" : "polling every " + mailbox.getPollInterval());
        } else {
            status.connected(MailboxStatus.Mode.POLLING, Instant.now());
            LOG.info("Mailbox '{}' connected to {}://{}:{}, polling every {}", mailbox.getName(), protocol, mailbox.getHost(),
                    mailbox.getPort(), mailbox.getPollInterval());
        }
    }

    /**
     * Logs in with the password, or with the cached access token; a token the server refuses (revoked, or expired
     * early) is dropped and one fresh token tried once before the failure goes to the reconnect back-off.
     */
    private void login(Store connecting) throws MessagingException {
        if (!mailbox.isOAuth2()) {
            connecting.connect(mailbox.getHost(), mailbox.getPort(), mailbox.getUsername(), mailbox.resolvePassword());
            return;
        }
        try {
            connecting.connect(mailbox.getHost(), mailbox.getPort(), mailbox.getUsername(), token());
        } catch (AuthenticationFailedException refused) {
            tokens.invalidate(mailbox.getUsername(), mailbox.getOauth2());
            try {
                connecting.connect(mailbox.getHost(), mailbox.getPort(), mailbox.getUsername(), token());
            } catch (AuthenticationFailedException again) {
                tokens.invalidate(mailbox.getUsername(), mailbox.getOauth2());
                throw new AuthenticationFailedException("XOAUTH2 login as " + mailbox.getUsername() + " refused with a fresh token from "
                        + mailbox.getOauth2().getTokenUri() + " (token revoked, or the app lacks access to this mailbox): "
                        + again.getMessage());
            }
        }
    }

    private String token() throws MessagingException {
        try {
            return tokens.token(mailbox.getUsername(), mailbox.getOauth2(), mailbox.where());
        } catch (MailTokens.MailTokenException e) {
            throw new AuthenticationFailedException(e.getMessage());
        }
    }

    /** Renews the access token ahead of its expiry, on the keep-alive thread, so a reconnect never waits for it. */
    private void renewToken() {
        try {
            tokens.token(mailbox.getUsername(), mailbox.getOauth2(), mailbox.where());
        } catch (Exception e) {
            LOG.debug("Mailbox '{}': token renewal failed: {}", mailbox.getName(), e.getMessage());
        }
    }

    private void openFolder() throws MessagingException {
        Folder inbox = store.getFolder(mailbox.getFolder());
        inbox.open(Folder.READ_WRITE);
        folder = inbox;
        if (mailbox.getAfterProcessing() == EmailProperties.AfterProcessing.KEYWORD
                && !inbox.getPermanentFlags().contains(Flags.Flag.USER)) {
            throw new MessagingException("the server keeps no keywords on " + mailbox.getFolder()
                    + ": set after-processing: move (or delete) for mailbox '" + mailbox.getName() + "'");
        }
        if (mailbox.getAfterProcessing() == EmailProperties.AfterProcessing.MOVE) {
            Folder processed = store.getFolder(mailbox.getProcessedFolder());
            if (!processed.exists() && !processed.create(Folder.HOLDS_MESSAGES)) {
                throw new MessagingException("cannot create folder " + mailbox.getProcessedFolder());
            }
        }
    }

    private boolean idleSupported() throws MessagingException {
        return mailbox.isIdle() && store instanceof IMAPStore imap && imap.hasCapability("IDLE");
    }

    /**
     * Whether mail arrived while the last batch was processed: a NOOP makes the server report its message count,
     * so a mail that came in just before IDLE starts is not left waiting for the next one.
     */
    private boolean arrivedSince(int count) throws MessagingException {
        if (folder instanceof IMAPFolder imap) {
            imap.doCommand(protocol -> {
                protocol.simpleCommand("NOOP", null);
                return null;
            });
            return count < 0 || imap.getMessageCount() != count;
        }
        return false;
    }

    /** Hands every unprocessed mail to the route, oldest first; returns the folder's message count afterwards. */
    private int drain() throws Exception {
        if (!mailbox.isImap()) {
            // POP3 has one folder and no flags: open it, read all, delete on close
            Folder pop = store.getFolder("INBOX");
            pop.open(Folder.READ_WRITE);
            folder = pop;
            try {
                handleAll(pop.getMessages());
            } finally {
                folder = null;
                pop.close(true);
            }
            return 0;
        }
        // the count before the search: anything the server reports beyond it afterwards arrived meanwhile (a stale,
        // low count only costs one more search)
        int countBefore = folder.getMessageCount();
        Message[] pending = switch (mailbox.getAfterProcessing()) {
            case SEEN -> folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
            // the server does the filtering: only mails without our keyword (and not being deleted) come back
            case KEYWORD -> folder.search(new AndTerm(new FlagTerm(new Flags(TAKEN_KEYWORD), false),
                    new FlagTerm(new Flags(Flags.Flag.DELETED), false)));
            case MOVE, DELETE -> folder.getMessages();
        };
        handleAll(pending);
        if (removesFromInbox() && pending.length > 0) {
            folder.expunge();
            return -1; // the count changed by our own expunge: search once more
        }
        return countBefore;
    }

    private void handleAll(Message[] messages) throws Exception {
        if (messages.length == 0) {
            status.read(Instant.now(), null);
            return;
        }
        FetchProfile profile = new FetchProfile();
        profile.add(FetchProfile.Item.SIZE);
        profile.add(FetchProfile.Item.FLAGS);
        profile.add(UIDFolder.FetchProfileItem.UID);
        if (folder instanceof IMAPFolder) {
            profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE); // for the oldest-unread gauge, in the same FETCH
        }
        folder.fetch(messages, profile);
        status.read(Instant.now(), arrival(messages[0]));
        for (Message message : messages) {
            if (!running) {
                return;
            }
            if (message.isExpunged() || message.isSet(Flags.Flag.DELETED)) {
                continue;
            }
            handle(message);
        }
        status.read(Instant.now(), null);
    }

    /** When the oldest mail of a batch arrived (IMAP INTERNALDATE; POP3 knows only the Date header), for the gauge. */
    private static Instant arrival(Message message) {
        try {
            Date received = message.getReceivedDate();
            Date date = received != null ? received : message.getSentDate();
            return date == null ? Instant.now() : date.toInstant();
        } catch (MessagingException e) {
            return Instant.now();
        }
    }

    private void handle(Message message) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            long size = message.getSize();
            if (size <= maxMessageSize) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream((int) Math.max(1024, size));
                message.writeTo(raw);
                exchange.getMessage().setBody(raw.toByteArray());
            } else {
                // never pulled into memory: the route records the refusal, the mail stays on the server (flagged)
                message.setFlag(Flags.Flag.FLAGGED, true);
            }
            exchange.getMessage().setHeader(EmailHeaders.MAILBOX, mailbox.getName());
            // set here, not by the normaliser, so that a rejection still knows where the mail came from
            exchange.getMessage().setHeader(CaseHeaders.CHANNEL, Channel.EMAIL.wireName());
            exchange.getMessage().setHeader(CaseHeaders.CLIENT_ID, "mailbox:" + mailbox.getName());
            exchange.getMessage().setHeader(EmailHeaders.SIZE, size);
            if (folder instanceof UIDFolder uids) {
                exchange.getMessage().setHeader(EmailHeaders.UID, uids.getUID(message));
            }
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            if (exchange.getException() != null) {
                // not durable and not rejected: leave the mail where it is and try again after a back-off
                throw new MessagingException("mail left unprocessed in the mailbox: " + exchange.getException().getMessage(),
                        exchange.getException());
            }
            processed(message);
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private boolean removesFromInbox() {
        return mailbox.getAfterProcessing() == EmailProperties.AfterProcessing.MOVE
                || mailbox.getAfterProcessing() == EmailProperties.AfterProcessing.DELETE;
    }

    private void processed(Message message) throws MessagingException {
        switch (mailbox.getAfterProcessing()) {
            case SEEN -> message.setFlag(Flags.Flag.SEEN, true);
            // \Seen stays the staff's: a mail they opened while the bridge was down is still taken
            case KEYWORD -> message.setFlags(new Flags(TAKEN_KEYWORD), true);
            case MOVE -> {
                Folder processed = store.getFolder(mailbox.getProcessedFolder());
                if (folder instanceof IMAPFolder imap) {
                    imap.moveMessages(new Message[] {message}, processed);
                } else {
                    folder.copyMessages(new Message[] {message}, processed);
                    message.setFlag(Flags.Flag.DELETED, true);
                }
            }
            case DELETE -> {
                if (message.isSet(Flags.Flag.FLAGGED) && message.getSize() > maxMessageSize) {
                    message.setFlag(Flags.Flag.SEEN, true); // refused as too large: never delete what was not kept
                } else {
                    message.setFlag(Flags.Flag.DELETED, true);
                }
            }
        }
    }

    private void waitForMail() throws MessagingException {
        if (mailbox.isImap() && idleSupported() && folder instanceof IMAPFolder imap) {
            idling = true;
            try {
                imap.idle(true); // returns when the server reports a change, or when refreshIdle() breaks it
            } finally {
                idling = false;
            }
        } else {
            sleep(mailbox.getPollInterval().toMillis());
            if (mailbox.isImap() && (folder == null || !folder.isOpen())) {
                throw new MessagingException("folder closed by the server");
            }
        }
    }

    /** Any command on the folder ends IDLE (the documented way): the loop re-checks and idles again. */
    private void refreshIdle() {
        Folder current = folder;
        if (idling && current != null) {
            try {
                current.getMessageCount();
            } catch (Exception e) {
                LOG.debug("Mailbox '{}': keep-alive failed: {}", mailbox.getName(), e.getMessage());
            }
        }
    }

    private void disconnect() {
        Folder current = folder;
        folder = null;
        if (current != null && current.isOpen()) {
            try {
                current.close(false);
            } catch (Exception ignored) {
                // closing a broken connection
            }
        }
        Store currentStore = store;
        store = null;
        if (currentStore != null) {
            try {
                currentStore.close();
            } catch (Exception ignored) {
                // closing a broken connection
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
