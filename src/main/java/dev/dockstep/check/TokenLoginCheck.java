package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;

/**
 * {@code token-login registry}: the learner's CLI is logged in to the registry with a personal
 * access token rather than their password, and the registry accepts it (see {@link LoggedInCheck}).
 */
final class TokenLoginCheck extends CheckKind {
    /**
     * How personal access tokens begin: the practice registry's ({@code registry/AccessTokens}
     * makes them; a test holds the two equal) and Docker Hub's.
     */
    static final List<String> TOKEN_PREFIXES = List.of("dockstep_pat_", "dckr_pat_");

    private final LoggedInCheck loggedIn = new LoggedInCheck();

    TokenLoginCheck() {
        super("token-login", Arg.REGISTRY);
    }

    @Override
    boolean looksAtImages() {
        return false;
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        String registry = args.get(0);
        Verdict login = loggedIn.decide(args, context);
        if (!(login instanceof Verdict.Passed)) {
            return login;
        }
        var found = (DockerConfigFile.Lookup.Found) DockerConfigFile.lookup(context.dockerConfig(), registry,
                context.helpers());
        String secret = found.credentials().secret();
        if (TOKEN_PREFIXES.stream().noneMatch(secret::startsWith)) {
            return new Verdict.Failed("You are logged in to " + registry + " as " + code(found.credentials().username())
                    + " with your password, not with an access token.", "Create a `read-write` token on the Access"
                    + " tokens page, then run `docker login " + registry + " --username "
                    + found.credentials().username() + " --password-stdin`, paste the token, press Enter, then Ctrl-D.");
        }
        return new Verdict.Passed("You are logged in to " + registry + " as " + code(found.credentials().username())
                + " with an access token.");
    }
}
