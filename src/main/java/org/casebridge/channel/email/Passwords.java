package org.casebridge.channel.email;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a mail server password comes from: the setting itself, or a file (a container secret) read each time. */
final class Passwords {

    private Passwords() {
    }

    /** The password in {@code file} when one is set, else {@code password}; {@code key} names the setting in errors. */
    static String resolve(String password, Path file, String key) {
        if (file != null && !file.toString().isBlank()) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + key + " " + file, e);
            }
        }
        return password;
    }
}
