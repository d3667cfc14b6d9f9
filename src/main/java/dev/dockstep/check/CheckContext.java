package dev.dockstep.check;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What a check may look at for one learner: their Docker (read-only), the registry, their CLI
 * config folder, when the step began (for {@code pulled}), and where credential helpers live.
 */
public record CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted,
                           String helperPath) {
    /** A context whose credential helpers are found on this process's {@code PATH}. */
    public CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted) {
        this(docker, registry, dockerConfig, stepStarted,
                java.util.Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin"));
    }
}
