package dev.dockstep.check;

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
        if (a.isEmpty() || b.isEmpty()) {
            ImageRef missing = a.isEmpty() ? first : second;
            return new Verdict.Failed(missing + " is not among your images; "
                    + ImageCheck.namesakes(missing, context.docker()) + ".",
                    "Make " + second + " a second name of " + first + " with `docker tag " + first + " " + second + "`.");
        }
        String idA = a.get().id();
        String idB = b.get().id();
        if (idA.equals(idB)) {
            return new Verdict.Passed(first + " and " + second + " are the same image (ID " + ImageCheck.shortId(idA) + ").");
        }
        return new Verdict.Failed(first + " is image " + ImageCheck.shortId(idA) + " but " + second + " is image "
                + ImageCheck.shortId(idB) + ".",
                "Point " + second + " at the right image with `docker tag " + first + " " + second + "`.");
    }
}
