package dev.dockstep.check;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What a check may look at for one learner: their Docker (read-only), the registry, their CLI
 * config folder, when the step began (for {@code pulled}), how their credential helpers may be
 * asked, the registry user they should be logged in as, and what the registry refused them lately.
 *
 * @param expectedUser the registry user name the learner logs in as; empty when any will do
 * @param refusals what the registry's token server refused this learner, so a failure can say why
 */
public record CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted,
                           CredentialHelpers helpers, Optional<String> expectedUser, RegistryRefusals refusals) {
    /** A context whose credential helpers are found on this process's {@code PATH}, for any user. */
    public CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted) {
        this(docker, registry, dockerConfig, stepStarted, CredentialHelpers.onPath(
                Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin")), Optional.empty(),
                RegistryRefusals.NONE);
    }

    /** A context whose credential helpers are found on {@code helperPath}, for any user. */
    public CheckContext(DockerFacts docker, RegistryClient registry, Path dockerConfig, Instant stepStarted,
                        String helperPath) {
        this(docker, registry, dockerConfig, stepStarted, CredentialHelpers.onPath(helperPath), Optional.empty(),
                RegistryRefusals.NONE);
    }
}
