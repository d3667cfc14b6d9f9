package dev.dockstep.registry.token;

import java.time.Instant;
import java.util.Optional;

/**
 * A directory that is handed its real one later: the registry starts while the database is still
 * opening, and a token request in between is told to try again (the token service answers 503).
 */
public final class DeferredDirectory implements Directory {
    private volatile Directory target;

    /** From now on, every question goes to {@code directory}. */
    public void become(Directory directory) {
        this.target = directory;
    }

    private Directory target() {
        Directory current = target;
        if (current == null) {
            throw new IllegalStateException("dockstep is still starting");
        }
        return current;
    }

    @Override
    public Login login(String user, String secret) {
        return target().login(user, secret);
    }

    @Override
    public Optional<RepositoryState> repository(String name) {
        return target().repository(name);
    }

    @Override
    public boolean created(String name, String owner) {
        return target().created(name, owner);
    }

    @Override
    public void pushed(String repository, String tag, String digest, Instant at) {
        target().pushed(repository, tag, digest, at);
    }

    @Override
    public void deleted(String repository, String digest) {
        target().deleted(repository, digest);
    }
}
