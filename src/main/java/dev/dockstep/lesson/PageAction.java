package dev.dockstep.lesson;

import java.util.List;
import java.util.Optional;

/**
 * One line of a step's {@code page} block: something the learner does on dockstep's own pages
 * rather than in the terminal (make a repository private, create or revoke an access token).
 * The page is not shown it; the lesson's text says where to click. {@code dockstep test-lessons}
 * does it in the learner's place before it runs the step's solution.
 *
 * @param action {@code private}, {@code public}, {@code token} or {@code revoke}
 * @param args {@code private} and {@code public} take a repository ({@code {{user}}/app}); {@code token} a scope
 * @param line where it stands in the file
 */
public record PageAction(String action, List<String> args, int line) {
    public static final List<String> SCOPES = List.of("read", "read-write", "read-write-delete");
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

    public PageAction {
        args = List.copyOf(args);
    }

    /** What is wrong with the line once variables are replaced, or empty when it is fine. */
    static Optional<String> problem(String action, List<String> args) {
        return switch (action) {
            case "private", "public" -> args.size() != 1
                    ? Optional.of("'" + action + "' takes one repository, such as '" + action + " {{user}}/app'")
                    : args.get(0).matches(COMPONENT + "/" + COMPONENT + "(?:/" + COMPONENT + ")*") ? Optional.empty()
                    : Optional.of("'" + args.get(0) + "' is not a repository such as {{user}}/app (no registry, no tag)");
            case "token" -> args.size() == 1 && SCOPES.contains(args.get(0)) ? Optional.empty()
                    : Optional.of("'token' takes a scope: " + String.join(", ", SCOPES));
            case "revoke" -> args.isEmpty() ? Optional.empty()
                    : Optional.of("'revoke' takes nothing: it revokes the token the lesson made last");
            default -> Optional.of("unknown page action '" + action + "'; known: private, public, token, revoke");
        };
    }
}
