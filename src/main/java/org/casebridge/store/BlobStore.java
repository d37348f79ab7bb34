package org.casebridge.store;

import org.casebridge.shared.Hashes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A content-addressed folder of bytes: a file's name is its SHA-256, so storing the same bytes twice is free and
 * a retried request never leaves a second copy. Files are written under a temporary name, forced to disk and then
 * renamed, so a reader never sees half a file.
 */
public final class BlobStore {

    private final String area;
    private final Path root;
    private final boolean fsync;

    public BlobStore(String area, Path root, boolean fsync) {
        this.area = area;
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + area + " store at " + this.root, e);
        }
    }

    /** A stored blob: its reference ({@code <area>/<sha256[0..2]>/<sha256>}), digest and size. */
    public record Stored(String ref, String sha256, long size) {
    }

    /** Stores {@code bytes} durably and returns where they are. */
    public Stored put(byte[] bytes) {
        String sha256 = sha256Hex(bytes);
        String relative = sha256.substring(0, 2) + "/" + sha256;
        Path target = root.resolve(relative);
        if (!Files.exists(target)) {
            write(target, bytes);
        }
        return new Stored(area + "/" + relative, sha256, bytes.length);
    }

    /** The bytes behind {@code ref}. */
    public byte[] get(String ref) {
        try {
            return Files.readAllBytes(resolve(ref));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + ref, e);
        }
    }

    /** The file behind {@code ref}; refuses references outside this store. */
    public Path resolve(String ref) {
        String prefix = area + "/";
        if (ref == null || !ref.startsWith(prefix)) {
            throw new IllegalArgumentException("Not a reference into the " + area + " store: " + ref);
        }
        Path path = root.resolve(ref.substring(prefix.length())).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("Reference leaves the " + area + " store: " + ref);
        }
        return path;
    }

    public Path root() {
        return root;
    }

    /** Lower-case hex SHA-256 of {@code bytes}: the shared kernel's {@link Hashes#sha256Hex}, which new code calls. */
    public static String sha256Hex(byte[] bytes) {
        return Hashes.sha256Hex(bytes);
    }

    private void write(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                if (fsync) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // another instance stored the same bytes first, or the file system cannot rename atomically
                if (Files.exists(target)) {
                    Files.deleteIfExists(temp);
                } else {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store " + area + " blob " + target.getFileName(), e);
        }
    }
}
