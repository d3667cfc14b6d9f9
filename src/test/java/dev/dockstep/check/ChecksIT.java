package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import dev.dockstep.lesson.Check;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every check kind, passing and failing in each distinct way, against a real daemon and registry. */
class ChecksIT {
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
    }

    @AfterAll
    static void close() {
        facts.close();
    }

    // logged-in

    @Test
    void logged_in_fails_without_a_config_file_then_passes_after_a_real_docker_login() throws Exception {
        Path config = docker.folder("login-config");
        Verdict before = decide(config, "logged-in", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, before);
        assertEquals("You are not logged in to " + docker.registryAddress() + ": you have not logged in to any registry"
                + " yet (there is no config.json).", before.reason());
        assertEquals("Run `docker login " + docker.registryAddress() + "` in the terminal.", before.hint());

        var login = dev.dockstep.harness.Cli.run(List.of("docker", "login", docker.registryAddress(), "-u",
                RealDocker.USER, "--password-stdin"), java.util.Map.of("DOCKER_HOST", docker.dockerHost(),
                "DOCKER_CONFIG", config.toString()), RealDocker.PASSWORD);
        assertEquals(0, login.exitCode(), login.output());

        Verdict after = decide(config, "logged-in", docker.registryAddress());
        assertEquals(new Verdict.Passed("You are logged in to " + docker.registryAddress() + " as `learner`."), after);
    }

    @Test
    void logged_in_names_the_registries_the_config_does_hold() throws Exception {
        Path config = configWith("{\"auths\":{\"other.example:5000\":{\"auth\":\"" + basic("a", "b") + "\"}}}");
        Verdict verdict = decide(config, "logged-in", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, verdict);
        assertTrue(verdict.reason().contains("holds logins for `other.example:5000` but not for "
                + docker.registryAddress()), verdict.reason());
    }

    @Test
    void logged_in_fails_when_the_registry_refuses_the_stored_password() throws Exception {
        Path config = configWith("{\"auths\":{\"" + docker.registryAddress() + "\":{\"auth\":\""
                + basic(RealDocker.USER, "wrong-password") + "\"}}}");
        Verdict verdict = decide(config, "logged-in", docker.registryAddress());
        assertInstanceOf(Verdict.Failed.class, verdict);
        // The daemon answers "Status 500: {"message":"login attempt to … failed with status: 401 Unauthorized"}".
        assertEquals("The registry " + docker.registryAddress() + " does not accept the login saved for `learner`: the"
                + " user name or password saved there is not (or no longer) right.", verdict.reason());
        assertEquals("Log in again with `docker login " + docker.registryAddress() + "`.", verdict.hint());
        assertTrue(!verdict.reason().contains("wrong-password"), "the password is never shown");
    }

    @Test
    void logged_in_asks_the_configured_credential_helper() throws Exception {
        Path bin = docker.folder("helpers");
        Path helper = bin.resolve("docker-credential-dstest");
        // A real helper speaking the real protocol: server URL on stdin, JSON on stdout.
        Files.writeString(helper, "#!/bin/sh\nread server\n[ \"$1\" = get ] || exit 1\n"
                + "printf '{\"ServerURL\":\"%s\",\"Username\":\"" + RealDocker.USER + "\",\"Secret\":\""
                + RealDocker.PASSWORD + "\"}' \"$server\"\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = configWith("{\"credHelpers\":{\"" + docker.registryAddress() + "\":\"dstest\"}}");
        Verdict verdict = verifier.verify(List.of(new Check("logged-in", List.of(docker.registryAddress()), 1)),
                Function.identity(), new CheckContext(facts, registry, config, Instant.EPOCH, bin.toString()))
                .results().get(0).verdict();
        assertEquals(new Verdict.Passed("You are logged in to " + docker.registryAddress() + " as `learner`."), verdict);

        Path store = configWith("{\"credsStore\":\"missing\",\"auths\":{\"" + docker.registryAddress() + "\":{}}}");
        Verdict missing = verifier.verify(List.of(new Check("logged-in", List.of(docker.registryAddress()), 1)),
                Function.identity(), new CheckContext(facts, registry, store, Instant.EPOCH, bin.toString()))
                .results().get(0).verdict();
        assertTrue(missing.reason().contains("names the credential helper docker-credential-missing, which is not"
                + " installed"), missing.reason());
    }

    // image, no-image, same-image

    @Test
    void no_image_fails_while_the_name_exists_and_passes_once_removed() {
        String ref = repo + "/gone:1";
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        Verdict before = decide("no-image", ref);
        assertInstanceOf(Verdict.Failed.class, before);
        // Other tests name the same image too; the names come sorted, backend:0.1 first.
        assertTrue(before.reason().matches("`" + java.util.regex.Pattern.quote(ref) + "` is still among your images"
                + " \\(image [0-9a-f]{12}, also named `backend:0\\.1`.*\\)\\."), before.reason());
        assertTrue(before.hint().startsWith("Remove that name with `docker rmi " + ref + "`; the image stays under"
                + " `backend:0.1`"), before.hint());
        docker.docker("rmi", ref).requireSuccess();
        assertEquals(new Verdict.Passed("`" + ref + "` is no longer among your images."), decide("no-image", ref));
        assertTrue(docker.docker("image", "inspect", "backend:0.1").exitCode() == 0, "only the name went");
    }

    @Test
    void same_image_fails_for_a_missing_name_and_for_two_different_images() {
        String ref = repo + "/same:1";
        Verdict missing = decide("same-image", "backend:0.1", ref);
        assertTrue(missing.reason().startsWith("`" + ref + "` is not among your images"), missing.reason());
        docker.docker("tag", "frontend:0.1", ref).requireSuccess();
        Verdict different = decide("same-image", "backend:0.1", ref);
        assertInstanceOf(Verdict.Failed.class, different);
        // By name: which image the name points at, not only two IDs.
        assertTrue(different.reason().matches("`backend:0\\.1` is image [0-9a-f]{12}, but `"
                + java.util.regex.Pattern.quote(ref) + "` points at `frontend:0\\.1`.* \\(image [0-9a-f]{12}\\)\\."),
                different.reason());
        assertEquals("Point `" + ref + "` at `backend:0.1` with `docker tag backend:0.1 " + ref + "`: it moves the name.",
                different.hint());
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        assertInstanceOf(Verdict.Passed.class, decide("same-image", "backend:0.1", ref));
    }

    // pushed

    @Test
    void pushed_fails_before_tagging_and_before_pushing_and_passes_after_a_real_push() throws Exception {
        String ref = repo + "/pushme:1";
        Verdict untagged = decide("pushed", ref);
        assertTrue(untagged.reason().startsWith("`" + ref + "` is not among your images, so it cannot have been pushed"),
                untagged.reason());
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        login();
        Verdict unpushed = decide("pushed", ref);
        assertEquals("The registry " + docker.registryAddress() + " has no `" + repo + "/pushme:1` yet.", unpushed.reason());
        assertEquals("Push it with `docker push " + ref + "`.", unpushed.hint());
        docker.docker("push", ref).requireSuccess();
        Verdict pushed = decide("pushed", ref);
        assertInstanceOf(Verdict.Passed.class, pushed);
        assertTrue(pushed.reason().startsWith("`" + ref + "` is on the registry (sha256:"), pushed.reason());
    }

    @Test
    void a_push_refused_for_lack_of_a_login_is_named_with_the_words_docker_really_prints() throws Exception {
        String ref = repo + "/nologin:1";
        Path config = docker.folder("no-login-config");
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        var push = dev.dockstep.harness.Cli.docker(docker.dockerHost(), config, "push", ref);
        assertTrue(push.exitCode() != 0 && push.output().contains(PushedCheck.NO_LOGIN),
                "the real docker push without a login: " + push.output());

        Verdict verdict = decide(config, "pushed", ref);
        assertEquals("The registry " + docker.registryAddress() + " has no `" + ref + "` yet, and you are not logged in"
                + " to it: a registry takes a push only from someone logged in (without a login, Docker prints `"
                + PushedCheck.NO_LOGIN + "`).", verdict.reason());
        assertEquals("Log in with `docker login " + docker.registryAddress() + "`, then push again with `docker push "
                + ref + "`.", verdict.hint());
        assertTrue(!verdict.hint().contains("docker tag"), "the image is tagged; tagging again would not help");

        // A pull without a login is refused with the same words, which the pull step's advice quotes.
        var pull = dev.dockstep.harness.Cli.docker(docker.dockerHost(), config, "pull", ref);
        assertTrue(pull.exitCode() != 0 && pull.output().contains(PushedCheck.NO_LOGIN), pull.output());
        Verdict notPulled = decide(config, Instant.now(), "pulled", ref);
        assertTrue(notPulled.hint().contains("If Docker answers `" + PushedCheck.NO_LOGIN + "`"), notPulled.hint());
    }

    @Test
    void a_pull_steps_missing_image_is_to_be_pulled_not_tagged() {
        String ref = repo + "/pullstep:1";
        List<Check> step = List.of(new Check("pulled", List.of(ref), 1), new Check("image", List.of(ref), 2));
        var verdict = verifier.verify(step, Function.identity(), new CheckContext(facts, registry, docker.dockerConfig(),
                Instant.now()));
        Verdict image = verdict.results().get(1).verdict();
        assertInstanceOf(Verdict.Failed.class, image);
        assertTrue(image.hint().startsWith("Pull it from the registry with `docker pull " + ref + "`."), image.hint());
        assertEquals(verdict.results().get(0).verdict().hint(), image.hint(), "one piece of advice, said once");
    }

    @Test
    void pushed_fails_when_the_registry_holds_another_image_under_the_name() throws Exception {
        String ref = repo + "/swapped:1";
        login();
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        docker.docker("push", ref).requireSuccess();
        docker.docker("tag", "frontend:0.1", ref).requireSuccess();
        Verdict verdict = decide("pushed", ref);
        assertInstanceOf(Verdict.Failed.class, verdict);
        assertTrue(verdict.reason().matches("The registry holds another image under `" + java.util.regex.Pattern.quote(ref)
                + "` \\(sha256:[0-9a-f]{12}…\\) than the one you now have under that name \\(image [0-9a-f]{12}, also"
                + " named `frontend:0\\.1`.*\\)\\."), verdict.reason());
    }

    @Test
    void pushed_is_unavailable_not_failed_while_the_registry_is_down() {
        String ref = repo + "/down:1";
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        docker.stopRegistry();
        try {
            Verdict verdict = decide("pushed", ref);
            assertInstanceOf(Verdict.Unavailable.class, verdict);
            assertTrue(verdict.reason().startsWith("The registry is not reachable at http://" + docker.registryAddress()),
                    verdict.reason());
        } finally {
            docker.startRegistry();
        }
    }

    // pulled

    @Test
    void pulled_needs_a_pull_since_the_step_began_and_the_image_still_present() throws Exception {
        String ref = repo + "/pullme:1";
        login();
        docker.docker("tag", "backend:0.1", ref).requireSuccess();
        docker.docker("push", ref).requireSuccess();
        docker.docker("pull", ref).requireSuccess();
        Thread.sleep(20);
        Instant stepStarted = Instant.now();

        Verdict before = decide(stepStarted, "pulled", ref);
        assertEquals("Docker has not pulled `" + ref + "` since this step began.", before.reason());

        docker.docker("rmi", ref).requireSuccess();
        docker.docker("pull", ref).requireSuccess();
        assertInstanceOf(Verdict.Passed.class, decide(stepStarted, "pulled", ref));

        docker.docker("rmi", ref).requireSuccess();
        Verdict removed = decide(stepStarted, "pulled", ref);
        assertEquals("`" + ref + "` was pulled, but it is no longer among your images.", removed.reason());
    }

    private static void login() {
        var result = dev.dockstep.harness.Cli.run(List.of("docker", "login", docker.registryAddress(), "-u",
                RealDocker.USER, "--password-stdin"), java.util.Map.of("DOCKER_HOST", docker.dockerHost(),
                "DOCKER_CONFIG", docker.dockerConfig().toString()), RealDocker.PASSWORD);
        assertEquals(0, result.exitCode(), result.output());
    }

    private static Path configWith(String json) throws Exception {
        Path dir = Files.createTempDirectory(docker.folder("configs"), "c");
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Verdict decide(String kind, String... args) {
        return decide(docker.dockerConfig(), Instant.EPOCH, kind, args);
    }

    private Verdict decide(Instant stepStarted, String kind, String... args) {
        return decide(docker.dockerConfig(), stepStarted, kind, args);
    }

    private Verdict decide(Path config, String kind, String... args) {
        return decide(config, Instant.EPOCH, kind, args);
    }

    private Verdict decide(Path config, Instant stepStarted, String kind, String... args) {
        return verifier.verify(List.of(new Check(kind, List.of(args), 1)), Function.identity(),
                new CheckContext(facts, registry, config, stepStarted)).results().get(0).verdict();
    }
}
