package org.casebridge.cases;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.casebridge.shared.JdbcValues.utc;

/**
 * Group commit of "published" marks: every request that has put its message on the broker waits here until its mark
 * (the message {@code published}, its outbox entry removed) is committed, and the marks of all requests waiting at the
 * same moment are written in one transaction. The caller sees exactly what a transaction of its own would give it; the
 * database commits (and, with H2's {@code WRITE_DELAY=0}, writes and syncs) once per batch instead of once per message.
 */
@Component
class PublishedMarks implements DisposableBean {

    /** At most this many marks in one transaction. */
    static final int MAX_BATCH = 256;
    /** A mark not committed within this time fails its request (the outbox sweeper then finishes it). */
    static final Duration WAIT = Duration.ofSeconds(30);

    private record Mark(String messageId, CompletableFuture<Void> done) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final CaseOutbox outbox;
    private final Clock clock;
    private final BlockingQueue<Mark> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    PublishedMarks(JdbcTemplate jdbc, TransactionTemplate tx, CaseOutbox outbox, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.clock = clock;
        this.writer = new Thread(this::write, "casebridge-published-marks");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Marks the message published and returns once that is committed (with the marks of concurrent requests). */
    void mark(String messageId) {
        if (!running) {
            throw new IllegalStateException("The bridge is stopping: message " + messageId + " is left to the outbox sweeper");
        }
        Mark mark = new Mark(messageId, new CompletableFuture<>());
        waiting.add(mark);
        try {
            mark.done().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while marking message " + messageId + " published", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Message " + messageId + " not marked published within " + WAIT + ": left to the outbox sweeper", e);
        }
    }

    private void write() {
        List<Mark> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                Mark first = waiting.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Mark> batch) {
        try {
            List<Object[]> messages = new ArrayList<>(batch.size());
            List<String> ids = new ArrayList<>(batch.size());
            Object publishedAt = utc(clock.instant());
            for (Mark mark : batch) {
                messages.add(new Object[]{CaseStore.PUBLISHED, publishedAt, mark.messageId(), CaseStore.PENDING});
                ids.add(mark.messageId());
            }
            tx.executeWithoutResult(status -> {
                jdbc.batchUpdate("update cb_message set delivery_state = ?, published_at = ? where message_id = ? and delivery_state = ?", messages);
                outbox.removeAll(ids);
            });
            batch.forEach(mark -> mark.done().complete(null));
        } catch (RuntimeException e) {
            batch.forEach(mark -> mark.done().completeExceptionally(e));
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        running = false;
        writer.join(TimeUnit.SECONDS.toMillis(5));
        // whatever is still waiting fails: those messages are on the broker and their outbox entries are swept
        for (Mark mark; (mark = waiting.poll()) != null; ) {
            mark.done().completeExceptionally(new IllegalStateException("The bridge stopped before message " + mark.messageId() + " was marked published"));
        }
    }
}
