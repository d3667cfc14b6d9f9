package dev.dockstep.check;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What a check may look at for one learner: their Docker (read-only), the registry, their CLI
 * config folder, when the step began (for {@code pulled}), how their credential helpers may be
 * asked, and the registry user they should be logged in as.
 *
 * @param expectedUser the registry user name the learner logs in as; empty when any will do
 */
public record CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted,
                           CredentialHelpers helpers, Optional<String> expectedUser) {
    /** A context whose credential helpers are found on this process's {@code PATH}, for any user. */
    public CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted) {
        this(docker, registry, dockerConfig, stepStarted, CredentialHelpers.onPath(
                Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin")), Optional.empty());
    }

    /** A context whose credential helpers are found on {@code helperPath}, for any user. */
    public CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted,
                        String helperPath) {
        this(docker, registry, dockerConfig, stepStarted, CredentialHelpers.onPath(helperPath), Optional.empty());
    }
}
