package dev.dockstep.check;

import java.util.List;
import java.util.Optional;

/**
 * {@code login-refused registry}: since the step began, the registry refused a login of the
 * learner's (a revoked access token, a wrong password), as its token server recorded it. A step
 * that teaches revocation shows with it that the very next login fails.
 */
final class LoginRefusedCheck extends CheckKind {
    LoginRefusedCheck() {
        super("login-refused", Arg.REGISTRY);
    }

    @Override
    boolean looksAtImages() {
        return false;
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) {
        String registry = args.get(0);
        if (context.refusals() == RegistryRefusals.NONE) {
            return new Verdict.Unavailable("dockstep cannot see which logins " + registry + " refused.",
                    "This step needs dockstep's practice registry; tell your instructor.");
        }
        Optional<RegistryRefusals.Refusal> refused = context.refusals().latest("login", context.stepStarted());
        if (refused.isEmpty()) {
            return new Verdict.Failed("The registry " + registry + " has refused no login of yours since this step"
                    + " began.", "Run `docker login " + registry + " --username USER --password-stdin` with the token"
                    + " you revoked, and watch it fail.");
        }
        return new Verdict.Passed("The registry " + registry + " refused your login: " + refused.get().reason() + ".");
    }
}
