package dev.dockstep.check;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the registry refused one learner lately (a login, a push, a pull), as its token server
 * recorded it: a failing check names the refusal instead of only saying that the work is missing.
 */
@FunctionalInterface
public interface RegistryRefusals {
    /** For a registry whose refusals dockstep cannot see, such as Docker Hub. */
    RegistryRefusals NONE = since -> List.of();

    /** The refusals from {@code since} on, oldest first. */
    List<Refusal> since(Instant since);

    /**
     * @param action {@code login}, {@code pull}, {@code push} or {@code delete}
     * @param repository the repository without the registry; empty for a login
     * @param reason one line, naming the repository without the registry
     */
    record Refusal(Instant at, String action, Optional<String> repository, String reason) {
    }

    /** The newest refusal of {@code action} from {@code since} on. */
    default Optional<Refusal> latest(String action, Instant since) {
        List<Refusal> all = since(since);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).action().equals(action)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }
}
