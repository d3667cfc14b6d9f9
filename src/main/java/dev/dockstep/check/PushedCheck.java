package dev.dockstep.check;

import java.util.List;
import java.util.Optional;

/** {@code pushed ref}: the registry serves the tag, and it is the learner's local image. */
final class PushedCheck extends CheckKind {
    PushedCheck() {
        super("pushed", Arg.REF);
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable, RegistryUnavailable {
        ImageRef ref = Verifier.ref(args.get(0));
        var local = context.docker().image(ref);
        // A push the registry refused since the step began: the failure names it and why.
        Optional<RegistryRefusals.Refusal> denied = context.refusals().latest("push", context.stepStarted());
        if (local.isEmpty()) {
            return new Verdict.Failed(ref + " is not among your images, so it cannot have been pushed; "
                    + ImageCheck.namesakes(ref, context.docker()) + "." + denied.map(d -> " The registry " + ref.domain()
                    + " refused your push to " + where(ref, d) + " (" + d.reason() + ").").orElse(""),
                    "Tag the image first with `docker tag SOURCE " + ref + "`, then `docker push " + ref + "`.");
        }
        Optional<String> remote = context.registry().manifestDigest(ref);
        if (remote.isEmpty()) {
            if (denied.isPresent()) {
                return new Verdict.Failed("The registry " + ref.domain() + " has no " + ref.familiarName() + ":"
                        + ref.tag() + " yet: it refused your push to " + where(ref, denied.get()) + " ("
                        + denied.get().reason() + ").", denied.get().reason().contains("access token")
                                ? "Log in with your dockstep password or a read-write access token (`docker login "
                                        + ref.domain() + "`), then `docker push " + ref + "`."
                                : "Push under your own name: `docker tag SOURCE " + ref + "`, then `docker push " + ref
                                        + "`.");
            }
            return new Verdict.Failed("The registry " + ref.domain() + " has no " + ref.familiarName() + ":" + ref.tag()
                    + " yet.", "Send it with `docker push " + ref + "`.");
        }
        List<String> repoDigests = local.get().repoDigests();
        String wanted = ref.familiarName() + "@" + remote.get();
        if (repoDigests.contains(wanted)) {
            return new Verdict.Passed(ref + " is on the registry (" + shortDigest(remote.get()) + ").");
        }
        return new Verdict.Failed("The registry's " + ref + " is " + shortDigest(remote.get())
                + ", which is not the image you have under that name.",
                "Push your image again with `docker push " + ref + "`.");
    }

    private static String where(ImageRef ref, RegistryRefusals.Refusal refusal) {
        return refusal.repository().map(r -> ref.domain() + "/" + r).orElse(ref.domain());
    }

    static String shortDigest(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) + "…" : digest;
    }
}
