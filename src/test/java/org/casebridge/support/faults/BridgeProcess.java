package org.casebridge.support.faults;

import org.awaitility.Awaitility;
import org.casebridge.support.EmbeddedPostgresServer;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bridge as its own JVM ({@link FaultBridgeMain}: the test classpath, the repository's config/ and routes/), on an
 * external broker ({@link BrokerProcess}) and, when given one, a shared PostgreSQL (profile postgres); its own HTTP
 * port and data folder. It can be killed (SIGKILL), or told to halt itself at a {@link KillPoints kill point}, and
 * started again on the same folder and port.
 */
public final class BridgeProcess implements AutoCloseable {

    private final String name;
    private final TestInfrastructure.Ports ports;
    private final int httpPort;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private Process process;
    private int runs;

    public BridgeProcess(String name, BrokerProcess broker, EmbeddedPostgresServer database) {
        this.name = name;
        this.ports = TestInfrastructure.allocate(name);
        this.httpPort = TestInfrastructure.freePort();
        settings.putAll(TestInfrastructure.properties(name, ports));
        settings.put("server.port", httpPort);
        settings.put("casebridge.broker.url", broker.url());
        if (database != null) {
            settings.put("spring.profiles.active", "postgres");
            settings.put("spring.datasource.url", database.jdbcUrl());
            settings.put("spring.datasource.username", "casebridge");
            settings.put("spring.datasource.password", "casebridge");
        }
        settings.put("camel.main.routes-reload-enabled", false);
        // what a crash left behind is claimed by a sweeper after this (production: 30 s)
        settings.put("casebridge.outbox.claim-timeout", "5s");
    }

    /** A setting for the next {@link #start()}s (a kill point, a CRM URL, a shorter timeout). */
    public BridgeProcess with(String key, Object value) {
        settings.put(key, value);
        return this;
    }

    public BridgeProcess without(String key) {
        settings.remove(key);
        return this;
    }

    public Http http() {
        return new Http(httpPort);
    }

    public TestInfrastructure.Ports ports() {
        return ports;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the JVM and waits until its health answers 200. */
    public BridgeProcess start() {
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        Path log = ports.dataDir().resolve("bridge-" + name + "-" + (++runs) + ".log");
        try {
            process = Processes.java(FaultBridgeMain.class, List.of("-Xmx384m"), args, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Http http = http();
        Awaitility.await(name + " up (" + log + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> !process.isAlive() || http.get("/actuator/health", Map.of()).statusCode() == 200);
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited at start, see " + log);
        }
        return this;
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Waits until the bridge has halted itself at its kill point. */
    public void awaitHalted(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not reach its kill point within " + within);
        }
    }

    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
