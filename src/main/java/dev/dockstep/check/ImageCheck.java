package dev.dockstep.check;

import static dev.dockstep.check.Sentences.code;

import java.util.List;

/** {@code image ref}: the image exists in the learner's daemon. */
final class ImageCheck extends CheckKind {
    ImageCheck() {
        super("image", Arg.REF);
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        ImageRef ref = Verifier.ref(args.get(0));
        var found = context.docker().image(ref);
        if (found.isPresent()) {
            return new Verdict.Passed(code(ref) + " is among your images (ID " + shortId(found.get().id()) + ").");
        }
        return new Verdict.Failed(code(ref) + " is not among your images; " + namesakes(ref, context.docker()) + ".",
                "Give an existing image this name with `docker tag SOURCE " + ref + "`, then check again.");
    }

    /** Explains what the learner does have under the same short name, which is usually a typo away. */
    static String namesakes(ImageRef ref, DockerFacts docker) throws DockerUnavailable {
        List<String> same = docker.namesakes(ref);
        if (same.isEmpty()) {
            return "no image is named " + code(ref.shortName());
        }
        return "images named " + code(ref.shortName()) + ": " + Sentences.codes(same, 5);
    }

    /** Which image {@code image} is, by its other names when it has any: for failures that compare images. */
    static String which(LocalImage image, ImageRef ref) {
        List<String> others = image.namesBesides(ref);
        if (others.isEmpty()) {
            return "image " + shortId(image.id()) + ", which has no other name";
        }
        return "image " + shortId(image.id()) + ", also named " + Sentences.codes(others, 3);
    }

    static String shortId(String id) {
        String bare = id.startsWith("sha256:") ? id.substring(7) : id;
        return bare.substring(0, Math.min(12, bare.length()));
    }
}
