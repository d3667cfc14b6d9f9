package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

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
            return new Verdict.Passed(code(ref) + " is no longer among your images.");
        }
        List<String> others = found.get().namesBesides(ref);
        String keeps = others.isEmpty() ? "; no other name points at that image, so it goes too"
                : "; the image stays under " + Sentences.codes(others, 3);
        return new Verdict.Failed(code(ref) + " is still among your images (" + ImageCheck.which(found.get(), ref) + ").",
                "Remove that name with `docker rmi " + ref + "`" + keeps + ".");
    }
}
