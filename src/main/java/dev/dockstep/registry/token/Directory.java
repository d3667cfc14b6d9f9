package dev.dockstep.registry.token;

import java.time.Instant;
import java.util.Optional;

/**
 * What the token server asks about people and repositories. The server's is backed by the
 * database (accounts, access tokens, repositories); throwaway sandboxes use {@link MemoryDirectory}.
 */
public interface Directory {
    /** What became of a login at the token endpoint. */
    sealed interface Login {
        record Accepted(Principal principal) implements Login {
        }

        /** Refused; {@code reason} is one line that the docker CLI prints after {@code unauthorized:}. */
        record Refused(String reason) implements Login {
        }
    }

    /** Checks a learner's user name with their password or one of their access tokens. */
    Login login(String user, String secret);

    /** What is known of a repository, or empty when no one has pushed to it or created it. */
    Optional<RepositoryState> repository(String name);

    /**
     * Its owner is about to be let push to a repository no one had pushed to: it exists from now
     * on, public unless its owner made it private ahead.
     *
     * @return false when the owner may not have another repository, so the push is refused
     */
    boolean created(String name, String owner);

    /** The registry reports that a tag was pushed (a manifest with a tag). */
    default void pushed(String repository, String tag, String digest, Instant at) {
    }

    /** The registry reports that a manifest was deleted, with every tag that pointed at it. */
    default void deleted(String repository, String digest) {
    }
}
