package dev.dockstep.sandbox;

import java.nio.file.Path;

/**
 * What a learner needs to use their sandbox, and what checks read.
 *
 * @param dockerHost the value for {@code DOCKER_HOST}
 * @param dockerConfig the value for {@code DOCKER_CONFIG}: the CLI config folder
 * @param registry the practice registry's address, as it appears in image names
 */
public record SandboxInfo(String dockerHost, Path dockerConfig, String registry) {
    /** The two lines a learner pastes into a terminal. */
    public String exportLines() {
        return "export DOCKER_HOST=" + dockerHost + "\nexport DOCKER_CONFIG=" + dockerConfig;
    }
}
