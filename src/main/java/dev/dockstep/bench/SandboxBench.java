package dev.dockstep.bench;

import dev.dockstep.sandbox.DockerGate;
import dev.dockstep.sandbox.LinuxUsers;
import dev.dockstep.sandbox.ManagedDaemon;
import dev.dockstep.sandbox.PerLearnerSandboxes;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.sandbox.RegistryService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench sandbox}: how long a learner waits for a sandbox of their own, cold and from the
 * pool, and what one idle sandbox holds in memory; beside it, the shared mode's managed daemon.
 */
final class SandboxBench {
    static final int RUNS = 8;
    private static final List<String> SETUP = List.of("backend:0.1", "frontend:0.1");

    private final PrintStream out;

    SandboxBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path dir) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("managed", managed(dir.resolve("managed")));
        results.putAll(perLearner(dir.resolve("pl")));
        return results;
    }

    /** The shared mode's one daemon: from asking to its first answer. */
    private Stats managed(Path dir) {
        out.printf("sandbox: provisioning %d managed daemons (shared mode), one after another …%n", RUNS);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            try (ManagedDaemon daemon = ManagedDaemon.start(dir.resolve("d" + i), "dockerd", Duration.ofSeconds(30))) {
                times.add(System.nanoTime() - start);
            }
        }
        Stats stats = Stats.of(times);
        out.printf("%n  %-34s %s%n%n", "shared: request -> daemon answers", stats);
        return stats;
    }

    private Map<String, Object> perLearner(Path dir) throws Exception {
        Files.createDirectories(dir);
        Map<String, Object> results = new LinkedHashMap<>();
        List<String> prefixes = new ArrayList<>();
        try {
            out.printf("sandbox: %d learners, one after another, each with a new sandbox of their own (cold) …%n", RUNS);
            List<Long> cold = new ArrayList<>();
            try (PerLearnerSandboxes sandboxes = provider(dir.resolve("c"), 0)) {
                prefixes.add(sandboxes.userPrefix());
                for (int i = 0; i < RUNS; i++) {
                    long start = System.nanoTime();
                    sandboxes.forLearner("cold" + i);
                    cold.add(System.nanoTime() - start);
                }
                results.put("memory", memory(sandboxes));
            }
            Stats coldStats = Stats.of(cold);
            out.printf("%n  %-34s %s (target p95 <= 1500 ms)%n", "per-learner, cold", coldStats);

            out.printf("sandbox: %d learners, each taking a sandbox started ahead (pool of 1) …%n", RUNS);
            List<Long> pooled = new ArrayList<>();
            try (PerLearnerSandboxes sandboxes = provider(dir.resolve("p"), 1)) {
                prefixes.add(sandboxes.userPrefix());
                for (int i = 0; i < RUNS; i++) {
                    awaitReady(sandboxes);
                    long start = System.nanoTime();
                    sandboxes.forLearner("pooled" + i);
                    pooled.add(System.nanoTime() - start);
                }
            }
            Stats poolStats = Stats.of(pooled);
            out.printf("  %-34s %s (target p95 <= 200 ms)%n%n", "per-learner, from the pool", poolStats);
            results.put("cold", coldStats);
            results.put("pool", poolStats);
            return results;
        } finally {
            LinuxUsers users = new LinuxUsers();
            prefixes.forEach(prefix -> LinuxUsers.named(prefix).forEach(users::remove));
        }
    }

    private static PerLearnerSandboxes provider(Path dir, int pool) {
        RegistryService registry = RegistryService.practice(dir.resolve("registry"), "docker-registry", Ports.free());
        PerLearnerSandboxes sandboxes = new PerLearnerSandboxes(dir.resolve("sandboxes"), registry, () -> SETUP,
                PerLearnerSandboxes.Options.defaults().withPool(pool), DockerGate::forSandbox, Clock.systemUTC());
        sandboxes.start();
        return sandboxes;
    }

    private static void awaitReady(PerLearnerSandboxes sandboxes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"1".equals(sandboxes.health().get("docker").get("ready"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pool did not fill within 60 s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Memory of one idle sandbox, all its processes, read from /proc after it settles: resident
     * (RSS), its proportional share of pages shared with the others running (PSS), and its own
     * anonymous memory, which is what each further sandbox adds.
     */
    private Map<String, Object> memory(PerLearnerSandboxes sandboxes) throws Exception {
        out.printf("sandbox: letting %d sandboxes sit idle for 10 s, then reading their memory …%n", RUNS);
        Thread.sleep(10_000);
        List<Long> rss = new ArrayList<>();
        List<Long> pss = new ArrayList<>();
        List<Long> anonymous = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long r = 0;
            long p = 0;
            long a = 0;
            for (ProcessHandle process : sandboxes.processes("cold" + i)) {
                Map<String, Long> rollup = rollup(process.pid());
                r += rollup.getOrDefault("Rss", 0L);
                p += rollup.getOrDefault("Pss", 0L);
                a += rollup.getOrDefault("Anonymous", 0L);
            }
            rss.add(r);
            pss.add(p);
            anonymous.add(a);
        }
        double rssMb = median(rss) / 1024.0;
        double pssMb = median(pss) / 1024.0;
        double anonMb = median(anonymous) / 1024.0;
        double sharedMb = rssMb - anonMb;
        double per100Gb = (100 * anonMb + sharedMb) / 1024.0;
        out.printf("%n  %-34s RSS %.0f MB, PSS %.0f MB (with %d running), its own %.0f MB (target <= 100 MB)%n",
                "one idle sandbox, all processes", rssMb, pssMb, RUNS, anonMb);
        out.printf("  %-34s %.1f GB (100 x its own %.0f MB + %.0f MB of program pages shared by all)%n",
                "per 100 learners", per100Gb, anonMb, sharedMb);
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("rssMb", Math.round(rssMb));
        memory.put("pssMb", Math.round(pssMb));
        memory.put("ownMb", Math.round(anonMb));
        memory.put("per100LearnersGb", Math.round(per100Gb * 10) / 10.0);
        return memory;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The kB figures of /proc/PID/smaps_rollup. */
    private static Map<String, Long> rollup(long pid) throws IOException {
        Map<String, Long> fields = new LinkedHashMap<>();
        Path file = Path.of("/proc/" + pid + "/smaps_rollup");
        if (!Files.exists(file)) {
            return fields;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.split(":\\s+");
            if (parts.length == 2 && parts[1].endsWith(" kB")) {
                fields.put(parts[0], Long.parseLong(parts[1].replace(" kB", "").trim()));
            }
        }
        return fields;
    }
}
