package dev.dockstep.account;

/**
 * Someone working through courses. {@code name} is also their user name on the practice
 * registry, so it follows Docker Hub's rules.
 */
public record Learner(String name) {
}
