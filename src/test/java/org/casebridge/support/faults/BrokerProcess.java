package org.casebridge.support.faults;

import org.awaitility.Awaitility;
import org.casebridge.ops.ExternalBrokerMain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An ActiveMQ broker in a process of its own ({@link ExternalBrokerMain}), so that a fault test can stop it, start it
 * again on the same store, kill it (SIGKILL), or freeze it ({@code kill -STOP}) so that its acknowledgements arrive
 * after the bridge's send timeout.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path store;
    private final int port;
    private Process process;
    private int runs;

    public BrokerProcess(Path store, int port) {
        this.store = store;
        this.port = port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the broker on its store and waits until it accepts connections. */
    public BrokerProcess start() {
        try {
            Files.createDirectories(store);
            Path log = store.resolve("broker-" + (++runs) + ".log");
            process = Processes.java(ExternalBrokerMain.class, List.of("-Xmx256m"), List.of(store.toString(), String.valueOf(port)), log);
            Awaitility.await("broker up on " + port).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !process.isAlive() || Files.readString(log).contains("BROKER READY"));
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited: " + Files.readString(log));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clean stop (SIGTERM: the broker's shutdown hook closes the store). */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGKILL: the store is left as a crash leaves it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGSTOP: the broker keeps its connections open but answers nothing until {@link #thaw()}. */
    public void freeze() {
        Processes.signal(process, "STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        Processes.signal(process, "CONT");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            thaw();
            stop();
        }
    }
}
