package dev.dockstep.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mounts a daemon left behind. dockerd bind-mounts its data root onto itself; one that was killed
 * outright leaves that mount (and those of its containers), and a new daemon would stack another.
 */
final class Mounts {
    private Mounts() {
    }

    /** Unmounts everything mounted at or below {@code dir}, deepest first. */
    static void unmountUnder(Path dir) {
        String root = dir.toAbsolutePath().normalize().toString();
        List<String> targets = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    String target = unescape(fields[4]);
                    if (target.equals(root) || target.startsWith(root + "/")) {
                        targets.add(target);
                    }
                }
            }
        } catch (IOException e) {
            return;
        }
        targets.sort(Comparator.comparingInt(String::length).reversed());
        for (String target : targets) {
            Commands.Result result = Commands.run(List.of("umount", "--lazy", target), Duration.ofSeconds(10));
            if (result.exit() != 0) {
                throw new SandboxException("cannot unmount " + target + ", which a stopped daemon left: "
                        + result.firstLine());
            }
        }
    }

    /** mountinfo writes a space, tab, newline and backslash in a path as octal escapes. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
