package dev.dockstep.check;

import java.util.List;

/** {@code no-image ref}: the name is gone from the learner's daemon. */
final class NoImageCheck extends CheckKind {
    NoImageCheck() {
        super("no-image", Arg.REF);
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        ImageRef ref = Verifier.ref(args.get(0));
        var found = context.docker().image(ref);
        if (found.isEmpty()) {
            return new Verdict.Passed(ref + " is no longer among your images.");
        }
        return new Verdict.Failed(ref + " is still among your images (ID " + ImageCheck.shortId(found.get().id()) + ").",
                "Remove that name with `docker rmi " + ref + "`; other names of the same image stay.");
    }
}
