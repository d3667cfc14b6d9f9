package dev.dockstep.check;

import java.util.List;
import java.util.Optional;

/** {@code logged-in registry}: the learner's CLI config holds credentials for it, and they work. */
final class LoggedInCheck extends CheckKind {
    LoggedInCheck() {
        super("logged-in", Arg.REGISTRY);
    }

    @Override
    boolean looksAtImages() {
        return false;
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        String registry = args.get(0);
        String login = registry.equals(ImageRef.DOCKER_HUB) ? "docker login" : "docker login " + registry;
        DockerConfigFile.Lookup lookup = DockerConfigFile.lookup(context.dockerConfig(), registry, context.helpers());
        if (lookup instanceof DockerConfigFile.Lookup.Missing missing) {
            Optional<RegistryRefusals.Refusal> refused = context.refusals().latest("login", context.stepStarted());
            if (refused.isPresent()) {
                // docker login was tried and the registry said no: say what it said.
                return new Verdict.Failed("You are not logged in to " + registry + ": the registry refused the last"
                        + " login (" + refused.get().reason() + ").", hint(refused.get().reason(), login));
            }
            return new Verdict.Failed("You are not logged in to " + registry + ": " + missing.why() + ".",
                    "Run `" + login + "` in the terminal where DOCKER_CONFIG=" + context.dockerConfig() + " is set.");
        }
        DockerConfigFile.Lookup.Found found = (DockerConfigFile.Lookup.Found) lookup;
        String user = found.credentials().username();
        if (context.expectedUser().isPresent() && !context.expectedUser().get().equals(user)) {
            // Someone else's login passes nobody's step: it would push their images, not the learner's.
            return new Verdict.Failed("You are logged in to " + registry + " as " + user + ", not as "
                    + context.expectedUser().get() + ".", "Log in again with `" + login + "` and the user name "
                    + context.expectedUser().get() + ".");
        }
        Optional<String> refused = context.docker().authenticate(registry, found.credentials());
        if (refused.isPresent() && !looksRefused(refused.get())) {
            return new Verdict.Unavailable("The registry " + registry + " could not be asked whether your login works: "
                    + refused.get() + ".", "Make sure the registry is running (see /healthz), then check again.");
        }
        if (refused.isPresent()) {
            return new Verdict.Failed("The login stored for " + registry + " (user " + found.credentials().username()
                    + ") is refused by the registry: " + refused.get() + ".", hint(refused.get(), login));
        }
        return new Verdict.Passed("You are logged in to " + registry + " as " + found.credentials().username() + ".");
    }

    /** What to do about a refused login: a revoked access token wants a new one, a wrong password another try. */
    private static String hint(String reason, String login) {
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("too many failed logins")) {
            return "Wait as long as the registry says, then run `" + login + "` once more, with the right password"
                    + " or an access token.";
        }
        if (lower.contains("revoked")) {
            return "That access token was revoked. Create a new one on the Access tokens page, or use your dockstep"
                    + " password, and run `" + login + "` again.";
        }
        return "Run `" + login + "` again with your dockstep user name and password, or with an access token from"
                + " the Access tokens page.";
    }

    /** Daemons report a refusal and an unreachable registry alike; only the words differ. */
    private static boolean looksRefused(String reason) {
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("unauthorized") || lower.contains("401") || lower.contains("incorrect username")
                || lower.contains("denied");
    }
}
