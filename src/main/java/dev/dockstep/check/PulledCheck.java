package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;

/** {@code pulled ref}: Docker reported a pull of the reference since the step began, and it is present. */
final class PulledCheck extends CheckKind {
    PulledCheck() {
        super("pulled", Arg.REF);
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        ImageRef ref = Verifier.ref(args.get(0));
        boolean pulled = context.docker().pullsSince(context.stepStarted()).stream().anyMatch(id -> same(id, ref));
        if (!pulled) {
            java.util.Optional<RegistryRefusals.Refusal> denied = context.refusals().latest("pull", context.stepStarted())
                    .filter(r -> r.repository().map(repo -> lastPart(repo).equals(lastPart(ref.path()))).orElse(false));
            if (denied.isPresent()) {
                // The registry said no: the learner likely pulled someone else's private repository.
                return new Verdict.Failed("Docker has not pulled " + code(ref) + " since this step began: the registry"
                        + " refused a pull of " + code(ref.domain() + "/" + denied.get().repository().orElseThrow())
                        + " (" + denied.get().reason() + ").", "Pull the repository under your own name: `docker pull "
                        + ref + "`.");
            }
            String hint = pullHint(ref);
            if (!PushedCheck.loggedIn(context, ref.domain())) {
                hint += " If Docker answers " + code(PushedCheck.NO_LOGIN) + ", the registry wants a login first: `"
                        + PushedCheck.login(ref.domain()) + "`.";
            }
            return new Verdict.Failed("Docker has not pulled " + code(ref) + " since this step began.", hint);
        }
        if (context.docker().image(ref).isEmpty()) {
            return new Verdict.Failed(code(ref) + " was pulled, but it is no longer among your images.",
                    "Pull it again with `docker pull " + ref + "`.");
        }
        return new Verdict.Passed("Docker pulled " + code(ref) + " and it is among your images.");
    }

    /** The advice of a failed {@code pulled ref}, for the other checks of a pull step (see {@link Verifier}). */
    static String pullHint(ImageRef ref) {
        return "Pull it from the registry with `docker pull " + ref + "`.";
    }

    private static String lastPart(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static boolean same(String eventId, ImageRef ref) {
        try {
            ImageRef pulled = ImageRef.parse(eventId);
            return pulled.domain().equals(ref.domain()) && pulled.path().equals(ref.path())
                    && java.util.Objects.equals(pulled.tag(), ref.tag());
        } catch (ImageRef.InvalidReference e) {
            return false;
        }
    }
}
