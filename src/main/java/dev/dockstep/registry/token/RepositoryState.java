package dev.dockstep.registry.token;

/**
 * What the token server knows of a repository: whose it is and whether others may pull it.
 *
 * @param name the repository without the registry, {@code alice/backend}
 * @param owner the learner whose namespace it is in
 */
public record RepositoryState(String name, String owner, boolean isPrivate) {
}
