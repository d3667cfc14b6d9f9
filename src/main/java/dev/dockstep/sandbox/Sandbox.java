package dev.dockstep.sandbox;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One learner's Docker, as each side sees it.
 *
 * @param learner the learner it belongs to; in the shared and host modes, whoever asked
 * @param dockerHost where checks read the learner's daemon: its own socket, never the gate
 * @param learnerDockerHost the {@code DOCKER_HOST} the learner's CLI uses: their gate in the
 *     per-learner mode, the daemon itself otherwise
 * @param dockerConfig the learner's {@code DOCKER_CONFIG} folder
 * @param registry the registry as the learner writes it in image names ({@code localhost:5000}, {@code docker.io})
 * @param registryUrl the registry's {@code /v2/} endpoint as the server dials it
 * @param user the Linux user the daemon and the learner's shell run as, when the sandbox has one of its own
 * @param home the learner's home folder, for their shell
 */
public record Sandbox(String learner, String dockerHost, String learnerDockerHost, Path dockerConfig,
                      String registry, String registryUrl, Optional<LinuxUsers.LinuxUser> user, Path home) {
    /** The two lines a learner pastes into a terminal to use this sandbox with their own CLI. */
    public String exportLines() {
        return "export DOCKER_HOST=" + learnerDockerHost + "\nexport DOCKER_CONFIG=" + dockerConfig;
    }
}
