package dev.dockstep.bench;

import dev.dockstep.sandbox.ManagedDaemon;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code bench sandbox}: from asking for a learner's managed sandbox to its daemon answering. */
final class SandboxBench {
    static final int RUNS = 5;

    private final PrintStream out;

    SandboxBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path dir) {
        out.printf("sandbox: provisioning %d managed daemons, one after another …%n", RUNS);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            try (ManagedDaemon daemon = ManagedDaemon.start(dir.resolve("d" + i), "dockerd", Duration.ofSeconds(30))) {
                times.add(System.nanoTime() - start);
            }
        }
        Stats stats = Stats.of(times);
        out.printf("%n  %-34s %s (target p50 <= 1000 ms)%n%n", "sandbox: request -> daemon answers", stats);
        return Map.of("provision", stats);
    }
}
