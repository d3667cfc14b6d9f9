package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;

/** {@code same-image ref ref}: both names point at one image ID. */
final class SameImageCheck extends CheckKind {
    SameImageCheck() {
        super("same-image", Arg.REF, Arg.REF);
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        ImageRef first = Verifier.ref(args.get(0));
        ImageRef second = Verifier.ref(args.get(1));
        var a = context.docker().image(first);
        var b = context.docker().image(second);
        String tag = "`docker tag " + first + " " + second + "`";
        if (a.isEmpty() || b.isEmpty()) {
            ImageRef missing = a.isEmpty() ? first : second;
            return new Verdict.Failed(code(missing) + " is not among your images; "
                    + ImageCheck.namesakes(missing, context.docker()) + ".",
                    "Make " + code(second) + " a second name of " + code(first) + " with " + tag + ".");
        }
        String idA = a.get().id();
        String idB = b.get().id();
        if (idA.equals(idB)) {
            return new Verdict.Passed(code(first) + " and " + code(second) + " are the same image (ID "
                    + ImageCheck.shortId(idA) + ").");
        }
        // By names, not only IDs: "points at frontend:0.1" says what went wrong; two hex strings do not.
        List<String> others = b.get().namesBesides(second);
        String pointsAt = others.isEmpty() ? "another image (" + ImageCheck.shortId(idB) + "), which has no other name"
                : Sentences.codes(others, 3) + " (image " + ImageCheck.shortId(idB) + ")";
        return new Verdict.Failed(code(first) + " is image " + ImageCheck.shortId(idA) + ", but " + code(second)
                + " points at " + pointsAt + ".",
                "Point " + code(second) + " at " + code(first) + " with " + tag + ": it moves the name.");
    }
}
