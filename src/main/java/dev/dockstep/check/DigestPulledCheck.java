package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;
import java.util.Optional;

/**
 * {@code digest-pulled repo source}: since the step began, Docker pulled {@code repo} by a digest
 * ({@code repo@sha256:…}), and that digest names the same image as {@code source}. It is how a
 * lesson shows that a digest keeps meaning one image while a tag moves on.
 */
final class DigestPulledCheck extends CheckKind {
    DigestPulledCheck() {
        super("digest-pulled", Arg.REF, Arg.REF);
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        ImageRef repo = Verifier.ref(args.get(0));
        ImageRef source = Verifier.ref(args.get(1));
        String name = repo.familiarName();
        List<ImageRef> pulls = context.docker().pullsSince(context.stepStarted()).stream()
                .flatMap(id -> parse(id).stream())
                .filter(p -> p.domain().equals(repo.domain()) && p.path().equals(repo.path())).toList();
        List<ImageRef> byDigest = pulls.stream().filter(p -> p.digest().isPresent()).toList();
        String how = "`docker pull " + name + "@sha256:…`, with the digest that `docker image ls --digests " + name
                + "` shows for " + code(source);
        if (byDigest.isEmpty()) {
            String tagOnly = pulls.isEmpty() ? "" : " You pulled it by tag (" + code(pulls.get(pulls.size() - 1))
                    + "), and a tag may point somewhere else tomorrow.";
            return new Verdict.Failed("Docker has not pulled " + code(name) + " by a digest since this step began."
                    + tagOnly, "Pull it by its digest: " + how + ".");
        }
        Optional<LocalImage> wanted = context.docker().image(source);
        if (wanted.isEmpty()) {
            return new Verdict.Failed(code(source) + " is not among your images, so there is nothing to compare the"
                    + " pulled digest with.", "Keep " + code(source) + " while you do this step; if you removed it, use"
                    + " **Reset my sandbox** and start the lesson again.");
        }
        ImageRef last = byDigest.get(byDigest.size() - 1);
        for (ImageRef pulled : byDigest) {
            Optional<LocalImage> got = context.docker().image(pulled);
            if (got.isPresent() && got.get().id().equals(wanted.get().id())) {
                return new Verdict.Passed("Docker pulled " + code(shortRef(pulled)) + ", which is the image of "
                        + code(source) + ".");
            }
        }
        Optional<LocalImage> got = context.docker().image(last);
        if (got.isEmpty()) {
            return new Verdict.Failed("Docker pulled " + code(shortRef(last)) + ", but that image is no longer among"
                    + " your images.", "Pull it again by its digest: " + how + ".");
        }
        return new Verdict.Failed("Docker pulled " + code(shortRef(last)) + ", but that digest names "
                + ImageCheck.which(got.get(), last) + ", not the image of " + code(source) + ".",
                "Use the digest of " + code(source) + ": " + how + ".");
    }

    /** A reference with its digest cut short, as a sentence can hold it. */
    private static String shortRef(ImageRef ref) {
        return ref.familiarName() + "@" + ref.digest().map(PushedCheck::shortDigest).orElse("");
    }

    private static Optional<ImageRef> parse(String eventId) {
        try {
            return Optional.of(ImageRef.parse(eventId));
        } catch (ImageRef.InvalidReference e) {
            return Optional.empty();
        }
    }
}
