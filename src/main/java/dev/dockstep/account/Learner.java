package dev.dockstep.account;

/**
 * Someone working through courses, or teaching them. {@code name} is also their user name on the
 * practice registry, so it follows Docker Hub's rules.
 */
public record Learner(String name, Role role) {
    /** What a signed-in person may see. */
    public enum Role { LEARNER, INSTRUCTOR }

    public boolean isInstructor() {
        return role == Role.INSTRUCTOR;
    }
}
