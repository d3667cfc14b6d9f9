package dev.dockstep.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One learner's sandbox as {@code GET /api/sandbox} describes it: what a person at the server
 * exports to act as that learner with the real docker CLI.
 */
public record LearnerSandbox(String dockerHost, Path dockerConfig, String registry, String user) {
    /** Runs the real docker CLI as this learner. */
    public Cli.Result docker(String... args) {
        return Cli.docker(dockerHost, dockerConfig, args);
    }

    /** Runs a bash script as this learner, with {@code stdin} on its standard input. */
    public Cli.Result bash(String script, String stdin) {
        return Cli.run(List.of("bash", "-e", "-o", "pipefail", "-c", script), env(), stdin);
    }

    /** {@code docker login} to the practice registry with the given password. */
    public Cli.Result login(String password) {
        return Cli.run(List.of("docker", "login", registry, "-u", user, "--password-stdin"), env(), password);
    }

    public Map<String, String> env() {
        return Map.of("DOCKER_HOST", dockerHost, "DOCKER_CONFIG", dockerConfig.toString());
    }
}
