package dev.dockstep.check;

import com.github.dockerjava.api.model.Image;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
            return new Verdict.Passed(ref + " is among your images (ID " + shortId(found.get().getId()) + ").");
        }
        return new Verdict.Failed(ref + " is not among your images; " + namesakes(ref, context.docker().images()) + ".",
                "Give an existing image this name with `docker tag SOURCE " + ref + "`, then check again.");
    }

    /** Explains what the learner does have under the same short name, which is usually a typo away. */
    static String namesakes(ImageRef ref, List<Image> images) {
        List<String> same = images.stream()
                .flatMap(image -> Arrays.stream(Objects.requireNonNullElse(image.getRepoTags(), new String[0])))
                .filter(tag -> !tag.equals("<none>:<none>"))
                .filter(tag -> {
                    try {
                        return ImageRef.parse(tag).shortName().equals(ref.shortName());
                    } catch (ImageRef.InvalidReference e) {
                        return false;
                    }
                })
                .sorted()
                .toList();
        if (same.isEmpty()) {
            return "no image is named " + ref.shortName();
        }
        return "images named " + ref.shortName() + ": " + String.join(", ", same);
    }

    static String shortId(String id) {
        String bare = id.startsWith("sha256:") ? id.substring(7) : id;
        return bare.substring(0, Math.min(12, bare.length()));
    }
}
