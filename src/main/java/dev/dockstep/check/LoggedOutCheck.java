package dev.dockstep.check;

import java.util.List;

/** {@code logged-out registry}: the learner's CLI config holds no credentials for the registry. */
final class LoggedOutCheck extends CheckKind {
    LoggedOutCheck() {
        super("logged-out", Arg.REGISTRY);
    }

    @Override
    boolean looksAtImages() {
        return false;
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) {
        String registry = args.get(0);
        if (DockerConfigFile.lookup(context.dockerConfig(), registry, context.helpers())
                instanceof DockerConfigFile.Lookup.Found found) {
            return new Verdict.Failed("Your Docker config still holds a login for " + registry + " (as "
                    + Sentences.code(found.credentials().username()) + ").",
                    "Run `docker logout " + registry + "`: it removes the saved credentials.");
        }
        return new Verdict.Passed("Your Docker config holds no login for " + registry + ".");
    }
}
