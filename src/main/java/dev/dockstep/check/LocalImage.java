package dev.dockstep.check;

import java.util.List;

/**
 * An image in the learner's daemon, as far as checks care.
 *
 * @param id its ID, {@code sha256:…}
 * @param repoDigests {@code name@digest} for each registry it was pushed to or pulled from
 * @param names every {@code name:tag} that points at it, as {@code docker image ls} shows them
 */
public record LocalImage(String id, List<String> repoDigests, List<String> names) {
    public LocalImage {
        repoDigests = List.copyOf(repoDigests);
        names = List.copyOf(names.stream().filter(n -> !n.equals("<none>:<none>")).sorted().toList());
    }

    /** Its names other than {@code ref}, so that a failure can say which image a name points at. */
    List<String> namesBesides(ImageRef ref) {
        return names.stream().filter(n -> !n.equals(ref.familiar())).toList();
    }
}
