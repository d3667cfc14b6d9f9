package dev.dockstep.registry.token;

import java.time.Instant;

/**
 * Something the token server refused a learner: a login, or an action on a repository. Kept a
 * little while, so that a failing check can say why instead of only that.
 *
 * @param action {@code login}, {@code pull}, {@code push} or {@code delete}
 * @param repository the repository without the registry, or null for a login
 * @param reason one line, naming the repository without the registry
 */
public record Refusal(Instant at, String action, String repository, String reason) {
}
