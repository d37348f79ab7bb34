package org.casebridge.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Secrets the bridge makes up itself on a machine where none is configured, so the two-command set-up still works
 * without a default password: each is generated once, printed once in the log (as Spring Boot prints its generated
 * password), and kept in {@code <data-dir>/secrets/} readable by the bridge's user only.
 */
final class GeneratedSecrets {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratedSecrets.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedSecrets() {
    }

    /** A new random password: 24 bytes, base64url. */
    static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The content of {@code <dataDir>/secrets/<name>}, creating it on first call: a new password is generated, the
     * file receives {@code stored.apply(password)} (the password itself, or its hash) and {@code what} is logged once
     * with the password. Returns the stored content and, only when just generated, the clear password.
     */
    static Secret readOrGenerate(Path dataDir, String name, String what, UnaryOperator<String> stored) {
        Path file = dataDir.resolve("secrets").resolve(name);
        try {
            if (Files.exists(file)) {
                return new Secret(Files.readString(file, StandardCharsets.UTF_8).strip(), null);
            }
            Files.createDirectories(file.getParent());
            String password = newPassword();
            String content = stored.apply(password);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                return new Secret(Files.readString(file, StandardCharsets.UTF_8).strip(), null); // another instance won
            }
            Files.writeString(file, content, StandardCharsets.UTF_8);
            LOG.warn("\n\nGenerated {}: {}\nIt is shown only this once and kept in {}; configure your own to replace it.\n",
                    what, password, file);
            return new Secret(content, password);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the generated " + what + " in " + file, e);
        }
    }

    /** A stored secret; {@code generatedPassword} is set only on the start that generated it. */
    record Secret(String stored, String generatedPassword) {
    }
}
