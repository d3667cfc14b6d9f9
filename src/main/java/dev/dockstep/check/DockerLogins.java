package dev.dockstep.check;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import com.github.dockerjava.api.model.AuthConfig;
import dev.dockstep.common.Hashes;
import dev.dockstep.common.Messages;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks a daemon whether a registry accepts credentials ({@code POST /auth}, the one write-shaped
 * request the read-only transport allows: it changes nothing in the daemon).
 *
 * <p>Logins the registry accepted lately are remembered for {@link #MEMORY}: each validation costs
 * the registry a bcrypt comparison, and live checks ask often. Only a hash of the credentials is
 * kept, at most {@link #MAX_REMEMBERED} of them, and a refusal is never remembered. Nor is an
 * access token, which costs the registry no bcrypt: a token revoked a second ago must fail now.
 */
final class DockerLogins {
    static final Duration MEMORY = Duration.ofSeconds(30);
    static final int MAX_REMEMBERED = 10_000;

    private final DockerRequests requests;
    private final Cache<String, Boolean> accepted = Caffeine.newBuilder().maximumSize(MAX_REMEMBERED)
            .expireAfterWrite(MEMORY).build();

    DockerLogins(DockerRequests requests) {
        this.requests = requests;
    }

    /** @return empty when the registry accepts them, else the registry's reason */
    Optional<String> authenticate(String registry, Credentials credentials) throws DockerUnavailable {
        String address = registry.equals(ImageRef.DOCKER_HUB) ? DockerConfigFile.HUB_KEY : registry;
        String key = Hashes.sha256(registry + "\0" + credentials.username() + "\0" + credentials.secret());
        if (accepted.getIfPresent(key) != null) {
            return Optional.empty();
        }
        return requests.ask(() -> {
            try {
                requests.client().authCmd().withAuthConfig(new AuthConfig().withRegistryAddress(address)
                        .withUsername(credentials.username()).withPassword(credentials.secret())).exec();
                if (TokenLoginCheck.TOKEN_PREFIXES.stream().noneMatch(credentials.secret()::startsWith)) {
                    accepted.put(key, Boolean.TRUE);
                }
                return Optional.empty();
            } catch (UnauthorizedException | InternalServerErrorException e) {
                // Daemons answer 401 or 500 when the registry refuses; both carry its reason.
                return Optional.of(Messages.firstLine(e.getMessage(), "no answer"));
            }
        });
    }
}
