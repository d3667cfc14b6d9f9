package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;
import java.util.Optional;

/** {@code pushed ref}: the registry serves the tag, and it is the learner's local image. */
final class PushedCheck extends CheckKind {
    /**
     * What the docker CLI prints when a push or pull without a login is refused, as Docker Hub's
     * token server and ours answer it (checked against the real CLI in ChecksIT).
     */
    static final String NO_LOGIN = "denied: requested access to the resource is denied";

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
            return new Verdict.Failed(code(ref) + " is not among your images, so it cannot have been pushed; "
                    + ImageCheck.namesakes(ref, context.docker()) + "." + denied.map(d -> " The registry " + ref.domain()
                    + " refused your push to " + code(where(ref, d)) + " (" + d.reason() + ").").orElse(""),
                    "Name the image first with `docker tag SOURCE " + ref + "`, then push it with `docker push "
                            + ref + "`.");
        }
        Optional<String> remote = context.registry().manifestDigest(ref);
        if (remote.isEmpty()) {
            if (denied.isPresent()) {
                return new Verdict.Failed("The registry " + ref.domain() + " has no " + code(ref) + " yet: it refused"
                        + " your push to " + code(where(ref, denied.get())) + " (" + denied.get().reason() + ").",
                        denied.get().reason().contains("access token")
                                ? "Log in with your dockstep password or a read-write access token (`"
                                        + login(ref.domain()) + "`), then `docker push " + ref + "`."
                                : "Push under your own name: `docker tag SOURCE " + ref + "`, then `docker push " + ref
                                        + "`.");
            }
            if (!loggedIn(context, ref.domain())) {
                // The push itself failed, and the learner saw only Docker's terse words for why.
                return new Verdict.Failed("The registry " + ref.domain() + " has no " + code(ref) + " yet, and you"
                        + " are not logged in to it: a registry takes a push only from someone logged in (without a"
                        + " login, Docker prints " + code(NO_LOGIN) + ").",
                        "Log in with `" + login(ref.domain()) + "`, then push again with `docker push " + ref + "`.");
            }
            return new Verdict.Failed("The registry " + ref.domain() + " has no " + code(ref) + " yet.",
                    "Push it with `docker push " + ref + "`.");
        }
        List<String> repoDigests = local.get().repoDigests();
        String wanted = ref.familiarName() + "@" + remote.get();
        if (repoDigests.contains(wanted)) {
            return new Verdict.Passed(code(ref) + " is on the registry (" + shortDigest(remote.get()) + ").");
        }
        return new Verdict.Failed("The registry holds another image under " + code(ref) + " (" + shortDigest(remote.get())
                + ") than the one you now have under that name (" + ImageCheck.which(local.get(), ref) + ").",
                "Push your image again with `docker push " + ref + "`.");
    }

    private static String where(ImageRef ref, RegistryRefusals.Refusal refusal) {
        return refusal.repository().map(r -> ref.domain() + "/" + r).orElse(ref.domain());
    }

    /** Whether the learner's CLI holds a login for {@code registry}, whether or not it still works. */
    static boolean loggedIn(CheckContext context, String registry) {
        return DockerConfigFile.lookup(context.dockerConfig(), registry, context.helpers())
                instanceof DockerConfigFile.Lookup.Found;
    }

    /** The login command for a registry: Docker Hub needs no address. */
    static String login(String registry) {
        return registry.equals(ImageRef.DOCKER_HUB) ? "docker login" : "docker login " + registry;
    }

    static String shortDigest(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) + "…" : digest;
    }
}
