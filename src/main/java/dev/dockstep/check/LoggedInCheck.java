package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;
import java.util.Optional;

/** {@code logged-in registry}: the learner's CLI config holds credentials for it, and they work. */
final class LoggedInCheck extends CheckKind {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LoggedInCheck.class);

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
        String login = "`" + PushedCheck.login(registry) + "`";
        DockerConfigFile.Lookup lookup = DockerConfigFile.lookup(context.dockerConfig(), registry, context.helpers());
        if (lookup instanceof DockerConfigFile.Lookup.Missing missing) {
            Optional<RegistryRefusals.Refusal> refused = context.refusals().latest("login", context.stepStarted());
            if (refused.isPresent()) {
                // docker login was tried and the registry said no: say what it said.
                return new Verdict.Failed("You are not logged in to " + registry + ": the registry refused the last"
                        + " login (" + refused.get().reason() + ").", hint(refused.get().reason(), login));
            }
            return new Verdict.Failed("You are not logged in to " + registry + ": " + missing.why() + ".",
                    "Run " + login + " in the terminal.");
        }
        DockerConfigFile.Lookup.Found found = (DockerConfigFile.Lookup.Found) lookup;
        String user = found.credentials().username();
        if (context.expectedUser().isPresent() && !context.expectedUser().get().equals(user)) {
            // Someone else's login passes nobody's step: it would push their images, not the learner's.
            return new Verdict.Failed("You are logged in to " + registry + " as " + code(user) + ", not as "
                    + code(context.expectedUser().get()) + ".", "Log in again with " + login + " and the user name "
                    + code(context.expectedUser().get()) + ".");
        }
        Optional<String> refused = context.docker().authenticate(registry, found.credentials());
        if (refused.isPresent()) {
            // The daemon's words ("Status 500: {"message":"login attempt to … failed with status: 401"}") are
            // for the log; the learner gets what they mean.
            LOG.debug("the login of {} at {} was not validated: {}", user, registry, refused.get());
            if (!looksRefused(refused.get())) {
                return new Verdict.Unavailable("The registry " + registry + " did not answer when Docker asked it"
                        + " whether your login works.", "Check again in a moment; if it persists, tell your instructor.");
            }
            // The practice registry's token server knows why (a revoked token, too many tries); Docker Hub's does not say.
            // A wrong password is said in our words; a revoked token or a throttled name in the token server's.
            Optional<RegistryRefusals.Refusal> why = context.refusals().latest("login", context.stepStarted());
            String detail = why.map(RegistryRefusals.Refusal::reason)
                    .filter(reason -> !reason.contains("incorrect username or password"))
                    .orElse("the user name or password saved there is not (or no longer) right");
            return new Verdict.Failed("The registry " + registry + " does not accept the login saved for " + code(user)
                    + ": " + detail + ".", why.map(r -> hint(r.reason(), login)).orElse("Log in again with " + login + "."));
        }
        return new Verdict.Passed("You are logged in to " + registry + " as " + code(user) + ".");
    }

    /** What to do about a refused login: a revoked access token wants a new one, a wrong password another try. */
    private static String hint(String reason, String login) {
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("too many failed logins")) {
            return "Wait as long as the registry says, then run " + login + " once more, with the right password"
                    + " or an access token.";
        }
        if (lower.contains("revoked")) {
            return "That access token was revoked. Create a new one on the Access tokens page, or use your dockstep"
                    + " password, and run " + login + " again.";
        }
        return "Run " + login + " again with your dockstep user name and password, or with an access token from"
                + " the Access tokens page.";
    }

    /** Daemons report a refusal and an unreachable registry alike; only the words differ. */
    private static boolean looksRefused(String reason) {
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("unauthorized") || lower.contains("401") || lower.contains("incorrect username")
                || lower.contains("denied");
    }
}
