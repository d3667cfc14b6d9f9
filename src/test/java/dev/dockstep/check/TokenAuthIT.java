package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import dev.dockstep.lesson.Check;
import dev.dockstep.registry.token.ServiceIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bearer-token flow of Docker Hub as the checks use it, against a real docker-registry whose
 * token server is dockstep's: the checks read as a service identity that may pull and nothing else.
 */
class TokenAuthIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();
    private static String address;
    private static String ref;

    @BeforeAll
    static void push() {
        address = docker.registryAddress();
        ref = address + "/" + RealDocker.USER + "/backend:0.1";
        docker.image("backend:0.1");
    }

    private static RegistryClient as(ServiceIdentity identity) {
        return new RegistryClient(host -> Optional.of(new Credentials(identity.user(), identity.secret())),
                Duration.ofSeconds(5));
    }

    @Test
    void without_credentials_the_registry_lets_nothing_be_read_and_says_so() {
        RegistryClient anonymous = new RegistryClient(host -> Optional.empty(), Duration.ofSeconds(5));
        RegistryUnavailable e = assertThrows(RegistryUnavailable.class,
                () -> anonymous.manifestDigest(ImageRef.parse(address + "/learner/backend:0.1")));
        assertEquals("the registry " + address + " refused to let dockstep read " + address
                + "/learner/backend (HTTP 401: requested access to the resource is denied)", e.getMessage());
    }

    @Test
    void a_wrong_secret_is_refused_by_the_token_service_with_its_reason() {
        RegistryClient wrong = new RegistryClient(host -> Optional.of(new Credentials(docker.tokens().checks().user(),
                "not-the-secret")), Duration.ofSeconds(5));
        RegistryUnavailable e = assertThrows(RegistryUnavailable.class,
                () -> wrong.manifestDigest(ImageRef.parse(ref)));
        assertEquals("the token service of " + address + " answered HTTP 401: incorrect username or password",
                e.getMessage());
    }

    @Test
    void the_checks_identity_reads_what_a_real_push_sent_and_the_pushed_check_passes() throws Exception {
        RegistryClient checks = as(docker.tokens().checks());
        String mine = address + "/" + RealDocker.USER + "/checked:0.1";
        assertEquals(Optional.empty(), checks.manifestDigest(ImageRef.parse(mine)), "a valid token; no such tag yet");
        docker.docker("login", address, "-u", RealDocker.USER, "--password", RealDocker.PASSWORD).requireSuccess();
        docker.docker("tag", "backend:0.1", mine).requireSuccess();
        docker.docker("push", mine).requireSuccess();

        String digest = checks.manifestDigest(ImageRef.parse(mine)).orElseThrow();
        assertTrue(digest.startsWith("sha256:"), digest);
        try (DockerFacts facts = new DockerFacts(docker.dockerHost(), Duration.ofSeconds(5))) {
            StepVerdict step = new Verifier(Duration.ofSeconds(5), 2).verify(
                    List.of(new Check("pushed", List.of(mine), 1), new Check("logged-in", List.of(address), 2)),
                    Function.identity(), new CheckContext(facts, checks, docker.dockerConfig(), Instant.EPOCH));
            for (CheckResult result : step.results()) {
                assertInstanceOf(Verdict.Passed.class, result.verdict(), result.verdict().reason());
            }
        }
        // The checks may look, never change: a delete as their identity is refused.
        RegistryUnavailable refused = assertThrows(RegistryUnavailable.class,
                () -> checks.deleteManifest(address, RealDocker.USER + "/checked", digest));
        assertTrue(refused.getMessage().contains("HTTP 401"), refused.getMessage());
        assertEquals(Optional.of(digest), checks.manifestDigest(ImageRef.parse(mine)), "still there");
        // The pages' identity may delete.
        assertTrue(as(docker.tokens().pages()).deleteManifest(address, RealDocker.USER + "/checked", digest));
        assertEquals(Optional.empty(), checks.manifestDigest(ImageRef.parse(mine)));
    }
}
