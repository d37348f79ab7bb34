package org.casebridge.channel.webchat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The visitors' open Server-Sent Events streams on this instance. One thread looks in the database every
 * {@code poll-interval} for replies to all of them at once (one query, whatever the number of streams) and writes
 * them out; a reply stored by any instance reaches the visitor on whichever instance holds the stream. Every write
 * happens on that thread, so a stream never sees two writers.
 */
@Component
public class WebchatStreams implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(WebchatStreams.class);
    /** Visitors per query. */
    private static final int BATCH = 200;

    private final WebchatOutbox outbox;
    private final WebchatProperties properties;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public WebchatStreams(WebchatOutbox outbox, WebchatProperties properties) {
        this.outbox = outbox;
        this.properties = properties;
    }

    /** One visitor's stream: what it has sent, so a reply goes out once per stream. */
    private static final class Stream {
        final String visitorId;
        final SseEmitter emitter;
        final Set<Long> sent = new HashSet<>();
        long lastSeq;
        // an interval, not a time of day: the monotonic clock, which no clock change moves
        long lastWrite = System.nanoTime();

        Stream(String visitorId, SseEmitter emitter, long lastSeq) {
            this.visitorId = visitorId;
            this.emitter = emitter;
            this.lastSeq = lastSeq;
        }
    }

    /**
     * Opens a stream for the visitor. With {@code lastEventId} (the browser's Last-Event-ID on reconnect), every
     * reply after it is replayed; without, replies not yet delivered are. Either way undelivered ones always come.
     */
    public SseEmitter open(WebchatVisitors.Visitor visitor, Long lastEventId) {
        SseEmitter emitter = new SseEmitter(properties.getStreamTimeout().toMillis());
        Stream stream = new Stream(visitor.visitorId(), emitter, lastEventId != null ? lastEventId : outbox.latestSeq(visitor.visitorId()));
        emitter.onCompletion(() -> open.remove(stream));
        emitter.onTimeout(() -> open.remove(stream));
        emitter.onError(e -> open.remove(stream));
        try {
            // how long the browser waits before reconnecting after a drop
            emitter.send(SseEmitter.event().reconnectTime(2000).comment("casebridge web chat"));
        } catch (IOException e) {
            emitter.completeWithError(e);
            return emitter;
        }
        open.add(stream);
        ScheduledExecutorService current = scheduler;
        if (current != null) {
            current.execute(() -> poll(List.of(stream)));
        }
        return emitter;
    }

    /** Streams open on this instance. */
    public int openStreams() {
        return open.size();
    }

    private void tick() {
        try {
            poll(new ArrayList<>(open));
            heartbeat();
        } catch (RuntimeException e) {
            LOG.warn("Web chat stream poll failed: {}", e.getMessage());
        }
    }

    private void poll(List<Stream> streams) {
        if (streams.isEmpty()) {
            return;
        }
        for (int from = 0; from < streams.size(); from += BATCH) {
            List<Stream> batch = streams.subList(from, Math.min(streams.size(), from + BATCH));
            Map<String, List<Stream>> byVisitor = new LinkedHashMap<>();
            long afterSeq = Long.MAX_VALUE;
            for (Stream stream : batch) {
                byVisitor.computeIfAbsent(stream.visitorId, v -> new ArrayList<>()).add(stream);
                afterSeq = Math.min(afterSeq, stream.lastSeq);
            }
            for (WebchatOutbox.Event event : outbox.pending(byVisitor.keySet(), afterSeq)) {
                for (Stream stream : byVisitor.getOrDefault(event.visitorId(), List.of())) {
                    if (stream.sent.contains(event.seq()) || (event.delivered() && event.seq() <= stream.lastSeq) || !open.contains(stream)) {
                        continue;
                    }
                    if (send(stream, event)) {
                        outbox.markDelivered(event);
                    }
                }
            }
        }
    }

    private boolean send(Stream stream, WebchatOutbox.Event event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", event.messageId());
        data.put("caseId", event.caseId());
        data.put("kind", event.kind());
        data.put("text", event.text());
        data.put("at", event.createdAt().toString());
        try {
            stream.emitter.send(SseEmitter.event().id(Long.toString(event.seq())).name("reply").data(data, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            // the browser went away: the reply stays undelivered and is sent when the visitor is back
            open.remove(stream);
            stream.emitter.completeWithError(e);
            return false;
        }
        stream.sent.add(event.seq());
        stream.lastSeq = Math.max(stream.lastSeq, event.seq());
        stream.lastWrite = System.nanoTime();
        return true;
    }

    private void heartbeat() {
        long due = System.nanoTime() - properties.getHeartbeat().toNanos();
        for (Stream stream : new ArrayList<>(open)) {
            if (stream.lastWrite - due < 0) {
                try {
                    stream.emitter.send(SseEmitter.event().comment("keep-alive"));
                    stream.lastWrite = System.nanoTime();
                } catch (IOException | IllegalStateException e) {
                    open.remove(stream);
                    stream.emitter.completeWithError(e);
                }
            }
        }
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "webchat-streams");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(50, properties.getPollInterval().toMillis());
        scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        running = true;
    }

    /** Before the web server's graceful shutdown waits for open requests: streams end now, browsers reconnect elsewhere. */
    @Override
    public void stop() {
        running = false;
        ScheduledExecutorService current = scheduler;
        scheduler = null;
        if (current != null) {
            current.shutdownNow();
        }
        for (Stream stream : new ArrayList<>(open)) {
            open.remove(stream);
            try {
                stream.emitter.complete();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
