package dev.dockstep.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dockstep.account.Accounts;
import dev.dockstep.account.SignInThrottle;
import dev.dockstep.registry.token.Directory;
import dev.dockstep.registry.token.Principal;
import dev.dockstep.registry.token.RepositoryState;
import dev.dockstep.registry.token.Scope;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token server's {@link Directory} on a classroom server: a learner logs in to the practice
 * registry with their dockstep password or one of their access tokens, and repositories are the
 * ones {@link Repositories} keeps.
 *
 * <p>A password costs a bcrypt comparison, and the Docker daemon asks for a token before every
 * push and pull, so a password the registry accepted is remembered for a minute, keyed by an HMAC
 * of the name and password under a key that lives only in memory; a refusal is never remembered.
 * Failed passwords are throttled per name, as sign-ins on the web are. Access tokens are a
 * hash lookup each time, so a revoked one is refused at the very next token request.
 */
public final class RegistryLogins implements Directory {
    private static final Duration REMEMBER = Duration.ofMinutes(1);
    /** Every docker login reaches us from 127.0.0.1, so the throttle counts failures by name alone. */
    private static final String FROM = "docker login";

    private final Accounts accounts;
    private final AccessTokens tokens;
    private final Repositories repositories;
    private final SignInThrottle throttle;
    private final Cache<String, Principal.Learner> accepted = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(REMEMBER).build();
    private final SecretKeySpec cacheKey;

    public RegistryLogins(Accounts accounts, AccessTokens tokens, Repositories repositories, SignInThrottle throttle) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.repositories = repositories;
        this.throttle = throttle;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    }

    @Override
    public Login login(String user, String secret) {
        if (AccessTokens.looksLikeToken(secret)) {
            return tokens.login(user, secret);
        }
        String key = hmac(user, secret);
        Principal.Learner remembered = accepted.getIfPresent(key);
        if (remembered != null) {
            return new Login.Accepted(remembered);
        }
        Optional<Duration> wait = throttle.wait(user, FROM);
        if (wait.isPresent()) {
            long minutes = Math.max(1, (wait.get().toSeconds() + 59) / 60);
            return new Login.Refused("too many failed logins for " + user + "; try again in " + minutes + " minute"
                    + (minutes == 1 ? "" : "s"));
        }
        if (accounts.checkPassword(user, secret).isEmpty()) {
            throttle.failed(user, FROM);
            return new Login.Refused("incorrect username or password");
        }
        throttle.succeeded(user, FROM);
        Principal.Learner learner = new Principal.Learner(user, Scope.READ_WRITE_DELETE, null);
        accepted.put(key, learner);
        return new Login.Accepted(learner);
    }

    @Override
    public Optional<RepositoryState> repository(String name) {
        return repositories.find(name);
    }

    @Override
    public boolean created(String name, String owner) {
        return repositories.create(name, owner, false) != Repositories.Created.FULL;
    }

    @Override
    public void pushed(String repository, String tag, String digest, Instant at) {
        repositories.pushed(repository, tag, digest, at);
    }

    @Override
    public void deleted(String repository, String digest) {
        repositories.deleted(repository, digest);
    }

    private String hmac(String user, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            return HexFormat.of().formatHex(mac.doFinal((user + "\0" + secret).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
