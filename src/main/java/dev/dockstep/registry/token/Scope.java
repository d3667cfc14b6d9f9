package dev.dockstep.registry.token;

import java.util.Optional;
import java.util.Set;

/**
 * What a credential may do on the registry, as Docker Hub's personal access tokens name it. A
 * password may do everything; an access token only what its scope says.
 */
public enum Scope {
    READ("read", Set.of("pull")),
    READ_WRITE("read-write", Set.of("pull", "push")),
    READ_WRITE_DELETE("read-write-delete", Set.of("pull", "push", "delete"));

    private final String label;
    private final Set<String> actions;

    Scope(String label, Set<String> actions) {
        this.label = label;
        this.actions = actions;
    }

    /** {@code read}, {@code read-write} or {@code read-write-delete}, as forms and the API write it. */
    public String label() {
        return label;
    }

    /** The registry actions it allows on the learner's own repositories. */
    public Set<String> actions() {
        return actions;
    }

    public boolean allows(String action) {
        return actions.contains(action);
    }

    /** The scope a label names, or empty. */
    public static Optional<Scope> parse(String label) {
        for (Scope scope : values()) {
            if (scope.label.equals(label)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
