package dev.dockstep.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Cli;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.harness.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-learner sandboxes on real rootless daemons, each run as a Linux user of its own. Every test
 * removes the users, processes and folders it made, even when it fails.
 */
class PerLearnerSandboxesIT {
    private static final List<String> SETUP = List.of("backend:0.1", "frontend:0.1");
    private Path data;
    private PerLearnerSandboxes sandboxes;

    @BeforeEach
    void folder() throws IOException {
        data = dev.dockstep.harness.TestApp.dataFolder("ds-pl-");
    }

    @AfterEach
    void cleanUp() {
        String prefix = null;
        if (sandboxes != null) {
            prefix = sandboxes.userPrefix();
            sandboxes.close();
        }
        if (prefix != null) {
            LinuxUsers users = new LinuxUsers();
            LinuxUsers.named(prefix).forEach(users::remove);
        }
        RealDocker.deleteTree(data);
    }

    /** Who the practice registry's token server lets in. */
    private final MemoryDirectory learners = new MemoryDirectory();

    private PerLearnerSandboxes start(PerLearnerSandboxes.Options options) {
        RegistryService registry = RegistryService.practice(data.resolve("registry"), "docker-registry", Ports.free(),
                learners);
        sandboxes = new PerLearnerSandboxes(data.resolve("sandboxes"), registry, () -> SETUP, options,
                DockerGate::forSandbox, Clock.systemUTC());
        sandboxes.start();
        return sandboxes;
    }

    private static Cli.Result docker(Sandbox sandbox, String... args) {
        return Cli.docker(sandbox.learnerDockerHost(), sandbox.dockerConfig(), args);
    }

    @Test
    void a_data_folder_inside_a_private_folder_is_refused_with_what_to_do() throws Exception {
        Path closed = Files.createDirectories(data.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        RegistryService registry = RegistryService.practice(closed.resolve("data/registry"), "docker-registry",
                Ports.free());
        try (PerLearnerSandboxes unreachable = new PerLearnerSandboxes(closed.resolve("data/sandboxes"), registry,
                () -> SETUP, PerLearnerSandboxes.Options.defaults(), DockerGate::forSandbox, Clock.systemUTC())) {
            SandboxException refused = assertThrows(SandboxException.class, unreachable::start);
            assertEquals("the folder " + closed + " does not let other users through (it is rwx------), so the"
                    + " sandboxes' users cannot reach their folders; choose a --data folder outside it, or run chmod"
                    + " o+x " + closed, refused.getMessage());
        }
    }

    @Test
    void two_learners_get_daemons_users_and_folders_of_their_own() throws Exception {
        start(PerLearnerSandboxes.Options.defaults().withPool(0));
        Sandbox alice = sandboxes.forLearner("alice");
        Sandbox bob = sandboxes.forLearner("bob");

        LinuxUsers.LinuxUser aliceUser = alice.user().orElseThrow();
        LinuxUsers.LinuxUser bobUser = bob.user().orElseThrow();
        assertNotEquals(0, aliceUser.uid());
        assertNotEquals(aliceUser.uid(), bobUser.uid());
        assertNotEquals(alice.dockerHost(), bob.dockerHost());
        assertNotEquals(alice.dockerConfig(), bob.dockerConfig());
        // Every process of alice's sandbox runs as her user, none as root.
        for (ProcessHandle process : sandboxes.processes("alice")) {
            assertEquals(aliceUser.uid(), uidOf(process), process.info().commandLine().orElse("?"));
        }
        assertTrue(sandboxes.processes("alice").size() >= 3, "rootlesskit, dockerd, containerd");

        // Files: the slot is root's and traversable; what the learner writes is theirs alone.
        Path slot = alice.dockerConfig().getParent();
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(slot)));
        assertEquals(0, (int) Files.getAttribute(slot, "unix:uid"));
        for (Path own : List.of(alice.dockerConfig(), alice.home(), slot.resolve("docker"), slot.resolve("run"))) {
            // dockerd gives its data root to its own group (0710); no other user gets anything.
            assertTrue(PosixFilePermissions.toString(Files.getPosixFilePermissions(own)).endsWith("---"), own.toString());
            assertEquals(aliceUser.uid(), (int) Files.getAttribute(own, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        }
        Path gate = Path.of(alice.learnerDockerHost().substring("unix://".length()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(gate)));
        assertEquals(aliceUser.uid(), (int) Files.getAttribute(gate, "unix:uid"));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("sandboxes/slots"))), "who has which slot is root's");

        // Each starts with the lessons' images, and sees only its own.
        assertTrue(docker(alice, "image", "inspect", "backend:0.1").exitCode() == 0);
        docker(alice, "tag", "backend:0.1", "alice-only:1").requireSuccess();
        assertEquals(0, docker(alice, "image", "inspect", "alice-only:1").exitCode());
        assertNotEquals(0, docker(bob, "image", "inspect", "alice-only:1").exitCode(), "bob cannot see alice's image");
        docker(bob, "rmi", "frontend:0.1").requireSuccess();
        assertEquals(0, docker(alice, "image", "inspect", "frontend:0.1").exitCode(), "bob's rmi leaves alice alone");
    }

    @Test
    void a_container_that_mounts_the_hosts_root_cannot_write_roots_files() throws Exception {
        start(PerLearnerSandboxes.Options.defaults().withPool(0));
        Sandbox alice = sandboxes.forLearner("alice");
        // Straight to the daemon, past the gate: rootless Docker is the second wall.
        TestImages.busybox(alice.dockerHost(), "busybox:offline");
        Path target = Files.createTempFile(Path.of("/tmp"), "ds-root-owned", ".txt");
        try {
            Files.writeString(target, "root's");
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            Cli.Result result = Cli.docker(alice.dockerHost(), alice.dockerConfig(), "run", "--rm", "-v", "/:/host",
                    "busybox:offline", "sh", "-c", "echo pwned > /host" + target + "; id -u");
            assertTrue(result.output().contains("Permission denied"), result.output());
            assertEquals("root's", Files.readString(target));
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @Test
    void an_idle_sandbox_stops_and_starts_again_with_the_learners_images() {
        start(PerLearnerSandboxes.Options.defaults().withPool(0).withIdle(Duration.ofMillis(500)));
        Sandbox alice;
        List<ProcessHandle> processes;
        // Held while tagging: on a slow machine the docker CLI alone may take longer than the idle time.
        try (SandboxProvider.Lease page = sandboxes.hold("alice")) {
            alice = sandboxes.forLearner("alice");
            docker(alice, "tag", "backend:0.1", "mine:1").requireSuccess();
            processes = sandboxes.processes("alice");
        }
        assertFalse(processes.isEmpty(), "the running sandbox has processes");

        await().atMost(Duration.ofSeconds(30)).until(() -> sandboxes.ifRunning("alice").isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));

        try (SandboxProvider.Lease page = sandboxes.hold("alice")) {
            Sandbox again = sandboxes.forLearner("alice");
            assertEquals(alice.dockerHost(), again.dockerHost(), "the same slot");
            assertEquals(0, docker(again, "image", "inspect", "mine:1").exitCode(), "the image survived the stop");
        }
    }

    @Test
    void a_held_sandbox_is_not_stopped_as_idle() {
        start(PerLearnerSandboxes.Options.defaults().withPool(0).withIdle(Duration.ofMillis(300)));
        sandboxes.forLearner("alice");
        try (SandboxProvider.Lease page = sandboxes.hold("alice")) {
            // Five idle periods pass, and an open page keeps it running all along.
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
                    .until(() -> sandboxes.ifRunning("alice").isPresent());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> sandboxes.ifRunning("alice").isEmpty());
    }

    @Test
    void reset_gives_a_fresh_daemon_with_the_setup_images_and_no_login() {
        start(PerLearnerSandboxes.Options.defaults().withPool(0));
        Sandbox alice = sandboxes.forLearner("alice");
        docker(alice, "tag", "backend:0.1", "mine:1").requireSuccess();
        docker(alice, "rmi", "frontend:0.1").requireSuccess();
        learners.learner("alice", "alice-password");
        Cli.run(List.of("docker", "login", alice.registry(), "-u", "alice", "--password-stdin"),
                Map.of("DOCKER_HOST", alice.learnerDockerHost(), "DOCKER_CONFIG", alice.dockerConfig().toString()),
                "alice-password").requireSuccess();
        assertTrue(Files.exists(alice.dockerConfig().resolve("config.json")));

        Sandbox fresh = sandboxes.reset("alice");
        assertNotEquals(0, docker(fresh, "image", "inspect", "mine:1").exitCode(), "her own image is gone");
        assertEquals(0, docker(fresh, "image", "inspect", "frontend:0.1").exitCode(), "the setup images are back");
        assertFalse(Files.exists(fresh.dockerConfig().resolve("config.json")), "the login is gone");
    }

    @Test
    void a_full_host_makes_room_from_an_unheld_sandbox_and_refuses_when_every_one_is_held() {
        start(PerLearnerSandboxes.Options.defaults().withPool(0).withMax(1));
        sandboxes.forLearner("alice");
        try (SandboxProvider.Lease alicePage = sandboxes.hold("alice")) {
            SandboxException full = assertThrows(SandboxException.class, () -> sandboxes.forLearner("bob"));
            assertEquals("This classroom server is full: all 1 sandboxes are in use. Try again in a few minutes,"
                    + " or ask your instructor.", full.getMessage());
        }
        Sandbox bob = sandboxes.forLearner("bob");
        assertEquals(0, docker(bob, "version").exitCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> sandboxes.ifRunning("alice").isEmpty());
    }

    @Test
    void a_new_learner_takes_a_sandbox_started_ahead_and_the_pool_fills_again() {
        start(PerLearnerSandboxes.Options.defaults().withPool(1));
        await().atMost(Duration.ofSeconds(60)).until(() -> sandboxes.health().get("docker").get("ready").equals("1"));
        Sandbox alice = sandboxes.forLearner("alice");
        assertTrue(alice.dockerHost().contains("/sandboxes/1/"), "the pool's first slot: " + alice.dockerHost());
        await().atMost(Duration.ofSeconds(60)).until(() -> sandboxes.health().get("docker").get("ready").equals("1"));
        assertEquals("2", sandboxes.health().get("docker").get("running"));
    }

    @Test
    void a_daemon_that_died_is_started_again_on_the_learners_next_need() {
        start(PerLearnerSandboxes.Options.defaults().withPool(0));
        Sandbox alice = sandboxes.forLearner("alice");
        docker(alice, "tag", "backend:0.1", "mine:1").requireSuccess();
        ProcessHandle rootlesskit = sandboxes.processes("alice").get(0);
        rootlesskit.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !rootlesskit.isAlive());

        Sandbox again = sandboxes.forLearner("alice");
        assertEquals(0, docker(again, "image", "inspect", "mine:1").exitCode());
    }

    private static int uidOf(ProcessHandle process) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                .filter(line -> line.startsWith("Uid:")).map(line -> Integer.parseInt(line.split("\\s+")[1]))
                .findFirst().orElseThrow();
    }
}
