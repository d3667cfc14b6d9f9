package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The unprivileged Linux users that learners' sandboxes run as, one per sandbox slot, each with
 * a range of subordinate ids for rootless Docker. Creating them needs root; dockstep runs
 * {@code useradd}, {@code usermod} and {@code userdel}, one at a time, since they lock the same files.
 */
public final class LinuxUsers {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final int SUBORDINATE_COUNT = 65_536;
    private static final long FIRST_SUBORDINATE = 100_000;

    /** A Linux user: its name and numeric ids. */
    public record LinuxUser(String name, int uid, int gid) {
    }

    private final Object lock = new Object();

    /**
     * The user named {@code name}, created (no login shell, home {@code home}, not created) with
     * its own subordinate uid and gid ranges if it does not exist.
     *
     * @throws SandboxException when the user cannot be created (not root, no useradd)
     */
    public LinuxUser ensure(String name, Path home) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Linux user name: " + name);
        }
        synchronized (lock) {
            Optional<LinuxUser> existing = find(name);
            if (existing.isEmpty()) {
                run("useradd", "--no-create-home", "--home-dir", home.toString(), "--shell", "/usr/sbin/nologin",
                        "--comment", "dockstep sandbox", "--user-group", name);
                existing = find(name);
            }
            LinuxUser user = existing.orElseThrow(() -> new SandboxException("useradd reported success, but there"
                    + " is no user " + name));
            ensureSubordinates(name);
            return user;
        }
    }

    /** The user of that name, if there is one. */
    public static Optional<LinuxUser> find(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 4 && fields[0].equals(name)) {
                    return Optional.of(new LinuxUser(name, Integer.parseInt(fields[2]), Integer.parseInt(fields[3])));
                }
            }
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new SandboxException("cannot read /etc/passwd: " + e.getMessage(), e);
        }
    }

    /** The names of every user whose name starts with {@code prefix}. */
    public static List<String> named(String prefix) {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String name = line.split(":", 2)[0];
                if (name.startsWith(prefix)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read /etc/passwd: " + e.getMessage(), e);
        }
        return names;
    }

    /** Removes the user and its subordinate ranges (its files are the caller's to remove). */
    public void remove(String name) {
        synchronized (lock) {
            if (find(name).isPresent()) {
                run("userdel", name);
            }
        }
    }

    /**
     * useradd gives a new user subordinate ranges when login.defs asks for them; where it does
     * not, dockstep adds a range after the highest one in use.
     */
    private void ensureSubordinates(String name) {
        for (String kind : List.of("uid", "gid")) {
            Path file = Path.of("/etc/sub" + kind);
            if (!hasRange(file, name)) {
                long start = Math.max(FIRST_SUBORDINATE, highestEnd(file));
                run("usermod", "--add-sub" + kind + "s", start + "-" + (start + SUBORDINATE_COUNT - 1), name);
            }
        }
    }

    private static boolean hasRange(Path file, String name) {
        try {
            return Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .anyMatch(line -> line.startsWith(name + ":"));
        } catch (IOException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static long highestEnd(Path file) {
        long highest = 0;
        try {
            if (!Files.exists(file)) {
                return highest;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split(":");
                if (fields.length == 3) {
                    highest = Math.max(highest, Long.parseLong(fields[1].trim()) + Long.parseLong(fields[2].trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return highest;
    }

    private static void run(String... command) {
        List<String> line = new ArrayList<>(List.of(command));
        line.set(0, Commands.find(command[0], List.of()).orElseThrow(() -> new SandboxException(command[0]
                + " was not found; per-learner sandboxes need the passwd package's useradd, usermod and userdel"))
                .toString());
        Commands.Result result = Commands.run(line, java.time.Duration.ofSeconds(30));
        if (result.exit() != 0) {
            throw new SandboxException(command[0] + " failed (exit " + result.exit() + "): " + result.firstLine()
                    + (isRoot() ? "" : "; per-learner sandboxes need dockstep to run as root"));
        }
    }

    /** Whether this process runs as root, which creating users needs. */
    public static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("Uid:")).findFirst()
                    .map(line -> line.split("\\s+")[2].equals("0")).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }
}
