package dev.dockstep.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code dockstep bench [NAME]}: measures dockstep beside its floor in the same run, prints a
 * table and writes {@code target/bench/results.json}. Speed targets live here, not in tests.
 */
public final class Bench {
    /** The parts that can be run by name. */
    public static final List<String> PARTS = List.of("pages", "checks", "classroom", "startup", "sandbox", "terminal",
            "registry");

    private final PrintStream out;

    public Bench(PrintStream out) {
        this.out = out;
    }

    /** Runs one part, or all of them when {@code name} is null. */
    public Map<String, Object> run(String name, Path resultsFile) throws Exception {
        if (name != null && !PARTS.contains(name)) {
            throw new IllegalArgumentException("no benchmark named '" + name + "'; choose one of " + PARTS);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
                        + System.getProperty("os.version")));
        // Short names all the way down: a per-learner sandbox's socket path must fit in 108 bytes.
        Path work = Files.createTempDirectory(Path.of("/tmp"), "dsb");
        // Per-learner sandboxes run as other users, who must pass through the work folder.
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        try {
            if (name == null || name.equals("pages")) {
                results.put("pages", new PagesBench(out).run(work.resolve("pages")));
            }
            if (name == null || name.equals("checks")) {
                results.put("checks", new ChecksBench(out).run(work.resolve("checks")));
            }
            if (name == null || name.equals("classroom") || name.equals("startup")) {
                boolean classroom = name == null || name.equals("classroom");
                results.put(classroom ? "classroom" : "startup",
                        new ClassroomBench(out).run(work.resolve("c"), classroom));
            }
            if (name == null || name.equals("sandbox")) {
                results.put("sandbox", new SandboxBench(out).run(work.resolve("sandbox")));
            }
            if (name == null || name.equals("terminal")) {
                results.put("terminal", new TerminalBench(out).run(work.resolve("terminal")));
            }
            if (name == null || name.equals("registry")) {
                results.put("registry", new RegistryBench(out).run(work.resolve("registry")));
            }
        } finally {
            deleteTree(work);
        }
        Files.createDirectories(resultsFile.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(resultsFile.toFile(), results);
        out.println("results written to " + resultsFile);
        return results;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
