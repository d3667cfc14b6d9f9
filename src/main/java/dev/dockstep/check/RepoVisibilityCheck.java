package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;
import java.util.Optional;

/**
 * {@code repo-private ref} and {@code repo-public ref}: the registry holds the tag, and someone who
 * is not signed in may not (or may) pull it. It asks the registry as a stranger would, without
 * credentials, so it sees what another learner, or anyone on Docker Hub, would see.
 */
final class RepoVisibilityCheck extends CheckKind {
    private final boolean wantPrivate;

    private RepoVisibilityCheck(String name, boolean wantPrivate) {
        super(name, Arg.REF);
        this.wantPrivate = wantPrivate;
    }

    static RepoVisibilityCheck isPrivate() {
        return new RepoVisibilityCheck("repo-private", true);
    }

    static RepoVisibilityCheck isPublic() {
        return new RepoVisibilityCheck("repo-public", false);
    }

    @Override
    boolean looksAtImages() {
        return false;
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws RegistryUnavailable {
        ImageRef ref = Verifier.ref(args.get(0));
        String repository = ref.familiarName();
        Optional<String> held = context.registry().manifestDigest(ref);
        if (held.isEmpty()) {
            return new Verdict.Failed("The registry " + ref.domain() + " has no " + code(ref) + ", so its repository"
                    + " cannot be " + (wantPrivate ? "private" : "public") + " yet.",
                    "Push it first with `docker push " + ref + "`.");
        }
        boolean open = context.registry().anonymousMayPull(ref);
        String page = "the repository's page (**Repositories**, then " + code(repository.substring(
                repository.indexOf('/') + 1)) + ")";
        if (wantPrivate && open) {
            return new Verdict.Failed(code(repository) + " is public: anyone may pull " + code(ref) + ".",
                    "Make it private on " + page + ".");
        }
        if (!wantPrivate && !open) {
            return new Verdict.Failed(code(repository) + " is private: only you may pull " + code(ref) + ".",
                    "Make it public again on " + page + ".");
        }
        return new Verdict.Passed(code(repository) + " is " + (wantPrivate ? "private: a stranger's pull is refused."
                : "public: anyone may pull " + code(ref) + "."));
    }
}
