package dev.dockstep.registry.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory held in memory, for a throwaway sandbox with no database ({@code test-lessons},
 * the benchmarks, tests): learners with a password each, their access tokens, and the
 * repositories pushed since it started.
 */
public final class MemoryDirectory implements Directory {
    /** How an access token begins, as {@code registry/AccessTokens} makes them (a test holds the two equal). */
    public static final String TOKEN_PREFIX = "dockstep_pat_";

    private final Map<String, byte[]> passwords = new ConcurrentHashMap<>();
    private final Map<String, RepositoryState> repositories = new ConcurrentHashMap<>();
    /** Access tokens by their secret; a revoked one stays, so that its refusal can say why. */
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String id, String learner, Scope scope, boolean revoked) {
    }

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

    /** Makes an access token for a learner, as the Access tokens page would, and returns its secret. */
    public String token(String learner, Scope scope) {
        String secret = TOKEN_PREFIX + dev.dockstep.common.Tokens.urlSafe(24);
        tokens.put(secret, new Token("t" + (tokens.size() + 1), learner, scope, false));
        return secret;
    }

    /** Revokes an access token: the next login with it is refused. */
    public void revoke(String secret) {
        tokens.computeIfPresent(secret, (key, token) -> new Token(token.id(), token.learner(), token.scope(), true));
    }

    @Override
    public Login login(String user, String secret) {
        Token token = tokens.get(secret);
        if (token != null && token.learner().equals(user)) {
            return token.revoked() ? new Login.Refused("this access token was revoked; create a new one on dockstep's"
                    + " Access tokens page, or log in with your password") : new Login.Accepted(new Principal.Learner(user, token.scope(), token.id()));
        }
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
