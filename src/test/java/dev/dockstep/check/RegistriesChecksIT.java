package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Cli;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.lesson.Check;
import dev.dockstep.registry.token.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registries course's check kinds, each passing and failing in every way it can, against a
 * real daemon, the real registry and dockstep's token server.
 */
class RegistriesChecksIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();

    private static DockerFacts facts;
    private static RegistryClient registry;
    private static String repo;
    private final Verifier verifier = new Verifier(Duration.ofSeconds(5), 4);

    @BeforeAll
    static void start() {
        docker.image("backend:0.1");
        docker.image("frontend:0.1");
        facts = new DockerFacts(docker.dockerHost(), Duration.ofSeconds(5));
        registry = new RegistryClient(host -> Optional.of(new Credentials(RealDocker.USER, RealDocker.PASSWORD)),
                Duration.ofSeconds(5));
        repo = docker.registryAddress() + "/" + RealDocker.USER;
        login(docker.dockerConfig(), RealDocker.PASSWORD).requireSuccess();
    }

    @AfterAll
    static void close() {
        facts.close();
    }

    // digest-pulled

    @Test
    void digest_pulled_passes_only_for_a_pull_by_the_digest_of_the_named_image() throws Exception {
        String name = repo + "/digests";
        docker.docker("tag", "backend:0.1", name + ":stable").requireSuccess();
        docker.docker("push", name + ":stable").requireSuccess();
        String backendDigest = registry.manifestDigest(ImageRef.parse(name + ":stable")).orElseThrow();
        docker.docker("tag", "frontend:0.1", name + ":next").requireSuccess();
        docker.docker("push", name + ":next").requireSuccess();
        String frontendDigest = registry.manifestDigest(ImageRef.parse(name + ":next")).orElseThrow();

        Instant began = Instant.now();
        Verdict none = decide(began, "digest-pulled", name, "backend:0.1");
        assertInstanceOf(Verdict.Failed.class, none);
        assertEquals("Docker has not pulled `" + name + "` by a digest since this step began.", none.reason());

        docker.docker("pull", name + ":stable").requireSuccess();
        Verdict byTag = decide(began, "digest-pulled", name, "backend:0.1");
        assertInstanceOf(Verdict.Failed.class, byTag);
        assertTrue(byTag.reason().contains("You pulled it by tag (`" + name + ":stable`)"), byTag.reason());

        docker.docker("pull", name + "@" + frontendDigest).requireSuccess();
        Verdict other = decide(began, "digest-pulled", name, "backend:0.1");
        assertInstanceOf(Verdict.Failed.class, other);
        assertTrue(other.reason().contains("but that digest names image"), other.reason());
        assertTrue(other.reason().contains("not the image of `backend:0.1`"), other.reason());

        docker.docker("pull", name + "@" + backendDigest).requireSuccess();
        assertEquals(new Verdict.Passed("Docker pulled `" + name + "@" + PushedCheck.shortDigest(backendDigest)
                + "`, which is the image of `backend:0.1`."), decide(began, "digest-pulled", name, "backend:0.1"));
        assertInstanceOf(Verdict.Failed.class, decide(Instant.now(), "digest-pulled", name, "backend:0.1"),
                "a pull before the step began does not count");

        Verdict noSource = decide(began, "digest-pulled", name, "nothing:1");
        assertEquals("`nothing:1` is not among your images, so there is nothing to compare the pulled digest with.",
                noSource.reason());
    }

    @Test
    void digest_pulled_fails_when_the_pulled_image_is_gone_again() throws Exception {
        String name = repo + "/vanishing";
        docker.docker("tag", "frontend:0.1", name + ":1").requireSuccess();
        docker.docker("push", name + ":1").requireSuccess();
        String digest = registry.manifestDigest(ImageRef.parse(name + ":1")).orElseThrow();
        Instant began = Instant.now();
        docker.docker("pull", name + "@" + digest).requireSuccess();
        // The last tag of a repository takes that repository's digests with it.
        docker.docker("rmi", name + ":1").requireSuccess();
        Verdict gone = decide(began, "digest-pulled", name, "backend:0.1");
        assertInstanceOf(Verdict.Failed.class, gone);
        assertTrue(gone.reason().endsWith("but that image is no longer among your images."), gone.reason());
    }

    // repo-private, repo-public

    @Test
    void repo_private_and_repo_public_follow_the_switch_as_a_stranger_sees_it() throws Exception {
        String ref = repo + "/secret:1";
        Verdict missing = decide(Instant.EPOCH, "repo-private", ref);
        assertInstanceOf(Verdict.Failed.class, missing);
        assertEquals("The registry " + docker.registryAddress() + " has no `" + ref + "`, so its repository cannot be"
                + " private yet.", missing.reason());
        assertEquals("Push it first with `docker push " + ref + "`.", missing.hint());

        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        docker.docker("push", ref).requireSuccess();
        assertEquals(new Verdict.Passed("`" + repo + "/secret` is public: anyone may pull `" + ref + "`."),
                decide(Instant.EPOCH, "repo-public", ref));
        Verdict stillPublic = decide(Instant.EPOCH, "repo-private", ref);
        assertInstanceOf(Verdict.Failed.class, stillPublic);
        assertEquals("`" + repo + "/secret` is public: anyone may pull `" + ref + "`.", stillPublic.reason());

        docker.directory().setPrivate(RealDocker.USER + "/secret", true);
        assertEquals(new Verdict.Passed("`" + repo + "/secret` is private: a stranger's pull is refused."),
                decide(Instant.EPOCH, "repo-private", ref), "at once: a stranger's token is never kept");
        Verdict nowPrivate = decide(Instant.EPOCH, "repo-public", ref);
        assertInstanceOf(Verdict.Failed.class, nowPrivate);
        assertEquals("`" + repo + "/secret` is private: only you may pull `" + ref + "`.", nowPrivate.reason());

        docker.directory().setPrivate(RealDocker.USER + "/secret", false);
        assertInstanceOf(Verdict.Passed.class, decide(Instant.EPOCH, "repo-public", ref));
    }

    // token-login, login-refused

    @Test
    void token_login_passes_with_an_access_token_and_fails_with_the_password_or_no_login() throws Exception {
        Path config = docker.folder("token-config");
        Verdict none = decide(config, Instant.EPOCH, "token-login", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, none);
        assertTrue(none.reason().startsWith("You are not logged in to " + docker.registryAddress()), none.reason());

        login(config, RealDocker.PASSWORD).requireSuccess();
        Verdict password = decide(config, Instant.EPOCH, "token-login", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, password);
        assertEquals("You are logged in to " + docker.registryAddress() + " as `learner` with your password, not with"
                + " an access token.", password.reason());

        String token = docker.directory().token(RealDocker.USER, Scope.READ_WRITE);
        login(config, token).requireSuccess();
        assertEquals(new Verdict.Passed("You are logged in to " + docker.registryAddress() + " as `learner` with an"
                + " access token."), decide(config, Instant.EPOCH, "token-login", docker.registryAddress()));

        docker.directory().revoke(token);
        Verdict revoked = decide(config, Instant.EPOCH, "token-login", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, revoked, "a revoked token fails at once, never from memory");
        assertTrue(revoked.reason().startsWith("The registry " + docker.registryAddress()
                + " does not accept the login saved for `learner`"), revoked.reason());
    }

    @Test
    void login_refused_passes_once_the_registry_refused_a_login_since_the_step_began() throws Exception {
        Path config = docker.folder("refused-config");
        RegistryRefusals refusals = since -> docker.tokens().refusals(RealDocker.USER, since).stream()
                .map(r -> new RegistryRefusals.Refusal(r.at(), r.action(), Optional.ofNullable(r.repository()),
                        r.reason())).toList();
        Instant began = Instant.now();
        Verdict nothing = decide(config, began, refusals, "login-refused", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, nothing);
        assertEquals("The registry " + docker.registryAddress() + " has refused no login of yours since this step"
                + " began.", nothing.reason());

        String token = docker.directory().token(RealDocker.USER, Scope.READ);
        docker.directory().revoke(token);
        Cli.Result refused = login(config, token);
        assertTrue(refused.exitCode() != 0, refused.output());
        Verdict after = decide(config, began, refusals, "login-refused", docker.registryAddress());
        assertInstanceOf(Verdict.Passed.class, after);
        assertTrue(after.reason().contains("this access token was revoked"), after.reason());
        assertInstanceOf(Verdict.Failed.class, decide(config, Instant.now(), refusals, "login-refused",
                docker.registryAddress()), "a refusal before the step began does not count");

        Verdict blind = decide(config, began, RegistryRefusals.NONE, "login-refused", docker.registryAddress());
        assertInstanceOf(Verdict.Unavailable.class, blind, "Docker Hub does not say what it refused");
    }

    // logged-out

    @Test
    void logged_out_fails_while_a_login_is_saved_and_passes_after_docker_logout() throws Exception {
        Path config = docker.folder("logout-config");
        login(config, RealDocker.PASSWORD).requireSuccess();
        Verdict saved = decide(config, Instant.EPOCH, "logged-out", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, saved);
        assertEquals("Your Docker config still holds a login for " + docker.registryAddress() + " (as `learner`).",
                saved.reason());
        assertEquals("Run `docker logout " + docker.registryAddress() + "`: it removes the saved credentials.",
                saved.hint());
        Cli.docker(docker.dockerHost(), config, "logout", docker.registryAddress()).requireSuccess();
        assertEquals(new Verdict.Passed("Your Docker config holds no login for " + docker.registryAddress() + "."),
                decide(config, Instant.EPOCH, "logged-out", docker.registryAddress()));
    }

    // no-dangling

    @Test
    void no_dangling_fails_while_an_image_has_only_a_digest_left_and_passes_after_prune() throws Exception {
        docker.docker("image", "prune", "--force").requireSuccess();
        assertEquals(new Verdict.Passed("No image is left without a tag."), decide(Instant.EPOCH, "no-dangling"));

        // As in the lesson: the tag moves to another image, the old one keeps only its digest in that
        // repository, and once its last tag goes it stays, dangling.
        String name = repo + "/dangling";
        docker.image("leftover:0.1");
        docker.docker("tag", "leftover:0.1", name + ":1").requireSuccess();
        docker.docker("push", name + ":1").requireSuccess();
        docker.docker("tag", "frontend:0.1", name + ":1").requireSuccess();
        docker.docker("rmi", "leftover:0.1").requireSuccess();
        Verdict dangling = decide(Instant.EPOCH, "no-dangling");
        assertInstanceOf(Verdict.Failed.class, dangling);
        assertTrue(dangling.reason().startsWith("1 image has no tag left: image "), dangling.reason());
        assertTrue(dangling.reason().contains(name + "@sha256:"), dangling.reason());
        assertEquals("Remove images without a tag with `docker image prune`.", dangling.hint());

        docker.docker("image", "prune", "--force").requireSuccess();
        assertInstanceOf(Verdict.Passed.class, decide(Instant.EPOCH, "no-dangling"));
    }

    private static Cli.Result login(Path config, String secret) {
        return Cli.run(List.of("docker", "login", docker.registryAddress(), "-u", RealDocker.USER, "--password-stdin"),
                Map.of("DOCKER_HOST", docker.dockerHost(), "DOCKER_CONFIG", config.toString()), secret);
    }

    private Verdict decide(Instant stepStarted, String kind, String... args) {
        return decide(docker.dockerConfig(), stepStarted, kind, args);
    }

    private Verdict decide(Path config, Instant stepStarted, String kind, String... args) {
        return decide(config, stepStarted, RegistryRefusals.NONE, kind, args);
    }

    private Verdict decide(Path config, Instant stepStarted, RegistryRefusals refusals, String kind, String... args) {
        CheckContext context = new CheckContext(facts, registry, config, stepStarted,
                CredentialHelpers.onPath(Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin")),
                Optional.empty(), refusals);
        return verifier.verify(List.of(new Check(kind, List.of(args), 1)), Function.identity(), context)
                .results().get(0).verdict();
    }
}
