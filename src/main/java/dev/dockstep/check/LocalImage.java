package dev.dockstep.check;

import java.util.List;

/**
 * An image in the learner's daemon, as far as checks care.
 *
 * @param id its ID, {@code sha256:…}
 * @param repoDigests {@code name@digest} for each registry it was pushed to or pulled from
 */
public record LocalImage(String id, List<String> repoDigests) {
}
