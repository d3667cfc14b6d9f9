package dev.dockstep.registry.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory held in memory, for a throwaway sandbox with no database ({@code test-lessons},
 * the benchmarks, tests): learners with a password each, and the repositories pushed since it
 * started.
 */
public final class MemoryDirectory implements Directory {
    private final Map<String, byte[]> passwords = new ConcurrentHashMap<>();
    private final Map<String, RepositoryState> repositories = new ConcurrentHashMap<>();

    /** Adds a learner, or gives one a new password. */
    public MemoryDirectory learner(String name, String password) {
        passwords.put(name, password.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Makes a repository private or public, creating it if need be. */
    public void setPrivate(String name, boolean isPrivate) {
        String owner = AccessRules.owner(name).orElseThrow(() -> new IllegalArgumentException("no namespace: " + name));
        repositories.put(name, new RepositoryState(name, owner, isPrivate));
    }

    @Override
    public Login login(String user, String secret) {
        byte[] known = passwords.get(user);
        if (known != null && MessageDigest.isEqual(known, secret.getBytes(StandardCharsets.UTF_8))) {
            return new Login.Accepted(new Principal.Learner(user, Scope.READ_WRITE_DELETE, null));
        }
        return new Login.Refused("incorrect username or password");
    }

    @Override
    public Optional<RepositoryState> repository(String name) {
        return Optional.ofNullable(repositories.get(name));
    }

    @Override
    public boolean created(String name, String owner) {
        repositories.putIfAbsent(name, new RepositoryState(name, owner, false));
        return true;
    }
}
