package dev.dockstep.check;

import java.util.List;
import java.util.Optional;

/** {@code logged-in registry}: the learner's CLI config holds credentials for it, and they work. */
final class LoggedInCheck implements CheckKind {
    @Override
    public String name() {
        return "logged-in";
    }

    @Override
    public List<Arg> args() {
        return List.of(Arg.REGISTRY);
    }

    @Override
    public Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        String registry = args.get(0);
        String login = registry.equals(ImageRef.DOCKER_HUB) ? "docker login" : "docker login " + registry;
        DockerConfigFile.Lookup lookup = DockerConfigFile.lookup(context.dockerConfig(), registry);
        if (lookup instanceof DockerConfigFile.Lookup.Missing missing) {
            return new Verdict.Failed("You are not logged in to " + registry + ": " + missing.why() + ".",
                    "Run `" + login + "` in the terminal where DOCKER_CONFIG=" + context.dockerConfig() + " is set.");
        }
        DockerConfigFile.Lookup.Found found = (DockerConfigFile.Lookup.Found) lookup;
        Optional<String> refused = context.docker().authenticate(registry, found.credentials());
        if (refused.isPresent()) {
            return new Verdict.Failed("The login stored for " + registry + " (user " + found.credentials().username()
                    + ") is refused by the registry: " + refused.get() + ".",
                    "Log in again with `" + login + "`, checking the user name and password.");
        }
        return new Verdict.Passed("You are logged in to " + registry + " as " + found.credentials().username() + ".");
    }
}
