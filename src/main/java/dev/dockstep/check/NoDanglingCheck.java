package dev.dockstep.check;

import java.util.List;

/** {@code no-dangling}: no image is left without a tag, as after {@code docker image prune}. */
final class NoDanglingCheck extends CheckKind {
    NoDanglingCheck() {
        super("no-dangling");
    }

    @Override
    boolean looksAtImages() {
        return false;
    }

    @Override
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable {
        List<LocalImage> dangling = context.docker().dangling();
        if (dangling.isEmpty()) {
            return new Verdict.Passed("No image is left without a tag.");
        }
        List<String> which = dangling.stream().map(image -> image.repoDigests().isEmpty()
                ? "image " + ImageCheck.shortId(image.id())
                : "image " + ImageCheck.shortId(image.id()) + " (" + digestOnly(image.repoDigests().get(0)) + ")").toList();
        return new Verdict.Failed(dangling.size() + (dangling.size() == 1 ? " image has" : " images have")
                + " no tag left: " + String.join(", ", which.subList(0, Math.min(3, which.size())))
                + (which.size() > 3 ? ", …" : "") + ".", "Remove images without a tag with `docker image prune`.");
    }

    private static String digestOnly(String repoDigest) {
        int at = repoDigest.indexOf('@');
        return at < 0 ? repoDigest : repoDigest.substring(0, at) + "@" + PushedCheck.shortDigest(repoDigest.substring(at + 1));
    }
}
