package dev.dockstep.sandbox;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The practice registry's account file: one {@code name:bcrypt-hash} line per account. Writes
 * replace the file atomically so that the registry never reads half of it.
 */
public final class Htpasswd {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** For passwords people choose: slow enough to resist guessing if the file leaks. */
    public static final int PERSON_COST = 10;
    /**
     * For long random secrets (dockstep's own service account): guessing 144 random bits is
     * hopeless at any cost, and the registry checks bcrypt on every request, so keep it cheap.
     */
    public static final int RANDOM_SECRET_COST = 4;

    private final Path file;

    public Htpasswd(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Adds the account, or replaces its password when it exists, hashed at {@link #PERSON_COST}. */
    public void put(String user, char[] password) {
        put(user, password, PERSON_COST);
    }

    /** Adds the account, or replaces its password, hashed with bcrypt at the given cost. */
    public synchronized void put(String user, char[] password, int cost) {
        if (!NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("not a valid registry user name: " + user);
        }
        String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(cost, password);
        try {
            List<String> lines = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.startsWith(user + ":") && !line.isBlank()) {
                        lines.add(line);
                    }
                }
            }
            lines.add(user + ":" + hash);
            Path temp = Files.createTempFile(file.getParent(), ".htpasswd", ".tmp");
            Files.write(temp, lines, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("cannot write the registry's accounts to " + file + ": " + e.getMessage(), e);
        }
    }

    /** True when the file holds an account of that name. */
    public synchronized boolean has(String user) {
        try {
            return Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .anyMatch(line -> line.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }
}
