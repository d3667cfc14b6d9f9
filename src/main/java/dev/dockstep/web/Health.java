package dev.dockstep.web;

import dev.dockstep.progress.Database;
import dev.dockstep.progress.ProgressStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Asks each part dockstep depends on whether it works, for {@code GET /healthz}. */
public final class Health {
    private final Supplier<Map<String, Map<String, String>>> sandboxes;
    private final ProgressStore store;

    /** @param sandboxes the sandbox provider's parts: its Docker and the registry */
    public Health(Supplier<Map<String, Map<String, String>>> sandboxes, ProgressStore store) {
        this.sandboxes = sandboxes;
        this.store = store;
    }

    /** One entry per part: {@code {"status":"ok",…}} or {@code {"status":"down","reason":…}}. */
    Map<String, Map<String, String>> report() {
        Map<String, Map<String, String>> parts = new LinkedHashMap<>(sandboxes.get());
        parts.put("database", database());
        return parts;
    }

    static boolean allOk(Map<String, Map<String, String>> report) {
        return report.values().stream().allMatch(part -> "ok".equals(part.get("status")));
    }

    private Map<String, String> database() {
        try {
            store.ping();
            return Map.of("status", "ok");
        } catch (Database.StoreException e) {
            Map<String, String> part = new LinkedHashMap<>();
            part.put("status", "down");
            part.put("reason", e.getMessage());
            return part;
        }
    }
}
