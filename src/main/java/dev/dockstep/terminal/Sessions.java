package dev.dockstep.terminal;

import java.util.Optional;

/** Who a session cookie belongs to: the web app's sign-in, as the terminal sees it. */
@FunctionalInterface
public interface Sessions {
    /** The learner's dockstep name, or empty when the token is missing, unknown or expired. */
    Optional<String> learner(String sessionToken);
}
