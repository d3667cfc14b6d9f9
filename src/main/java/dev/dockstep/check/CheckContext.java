package dev.dockstep.check;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What a check may look at for one learner: their Docker (read-only), the registry, their CLI
 * config folder, and when the step began (for {@code pulled}).
 */
public record CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted) {
}
