package dev.dockstep.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dockstep.db.Database;
import dev.dockstep.progress.ProgressStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Asks each part dockstep depends on whether it works, for {@code GET /healthz}. */
public final class Health {
    private final Supplier<Map<String, Map<String, String>>> sandboxes;
    private final ProgressStore store;
    private final double heapLimit;
    /**
     * The last good report, for a second: /healthz may be polled often, and each report writes to
     * the database. A part that is down is asked again at once, so its return shows at once.
     */
    private final Cache<String, Map<String, Map<String, String>>> recent = Caffeine.newBuilder()
            .maximumSize(1).expireAfterWrite(Duration.ofSeconds(1)).build();

    /** @param sandboxes the sandbox provider's parts: its Docker and the registry */
    public Health(Supplier<Map<String, Map<String, String>>> sandboxes, ProgressStore store) {
        this(sandboxes, store, Limits.defaults().heapLimit());
    }

    /** @param heapLimit the share of the heap that, in use after a collection, makes memory "down" */
    public Health(Supplier<Map<String, Map<String, String>>> sandboxes, ProgressStore store, double heapLimit) {
        this.sandboxes = sandboxes;
        this.store = store;
        this.heapLimit = heapLimit;
    }

    /** {@link #report()}, made at most a second ago. */
    Map<String, Map<String, String>> recentReport() {
        Map<String, Map<String, String>> report = recent.getIfPresent("report");
        if (report == null) {
            report = report();
            if (allOk(report)) {
                recent.put("report", report);
            }
        }
        return report;
    }

    /** One entry per part: {@code {"status":"ok",…}} or {@code {"status":"down","reason":…}}. */
    Map<String, Map<String, String>> report() {
        Map<String, Map<String, String>> parts = new LinkedHashMap<>(sandboxes.get());
        parts.put("database", database());
        parts.put("memory", memory());
        return parts;
    }

    static boolean allOk(Map<String, Map<String, String>> report) {
        return report.values().stream().allMatch(part -> "ok".equals(part.get("status")));
    }

    private Map<String, String> database() {
        try {
            store.ping();
            return ok();
        } catch (Database.StoreException e) {
            return down(e.getMessage());
        }
    }

    /**
     * A heap that is still nearly full after the collector has run is about to fail every
     * request. The plain figure counts garbage too, so it only decides "ok"; when it is high,
     * what the last collection left decides.
     */
    private Map<String, String> memory() {
        Runtime runtime = Runtime.getRuntime();
        long max = runtime.maxMemory();
        if (runtime.totalMemory() - runtime.freeMemory() < heapLimit * max) {
            return ok();
        }
        long live = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                .map(java.lang.management.MemoryPoolMXBean::getCollectionUsage)
                .filter(java.util.Objects::nonNull).mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
        if (live < heapLimit * max) {
            return ok();
        }
        return down(String.format(java.util.Locale.ROOT, "the heap is %d%% full after a collection (%d of %d MB);"
                + " the server is about to run out of memory", Math.round(live * 100.0 / max), live >> 20, max >> 20));
    }

    private static Map<String, String> ok() {
        return Map.of("status", "ok");
    }

    private static Map<String, String> down(String reason) {
        Map<String, String> part = new LinkedHashMap<>();
        part.put("status", "down");
        part.put("reason", reason);
        return part;
    }
}
