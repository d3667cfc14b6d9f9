package dev.dockstep.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Cli;
import dev.dockstep.harness.RealDocker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate in front of a real dockerd, driven by the real docker CLI as a learner drives it:
 * what lessons need works, everything else is refused with one line, and nothing refused happens.
 */
class DockerGateIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();
    /** An image of /bin/busybox alone, made offline. */
    private static final String TINY = "tiny:1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static DockerGate gate;
    private static Path folder;

    @BeforeAll
    static void gateInFront() throws IOException {
        folder = docker.folder("gate");
        gate = DockerGate.start(folder.resolve("gate.sock"), daemonSocket(), new GatePolicy(Set.of(docker.registryAddress())),
                OptionalInt.empty(), OptionalInt.empty());
        Path rootfs = folder.resolve("busybox-rootfs.tar");
        Files.write(rootfs, busyboxRootfs());
        docker.docker("import", "--change", "CMD [\"/bin/sh\"]", rootfs.toString(), TINY).requireSuccess();
    }

    @AfterAll
    static void closeGate() {
        if (gate != null) {
            gate.close();
        }
    }

    @AfterEach
    void noContainerIsLeft() {
        String left = docker.docker("ps", "-aq").requireSuccess().output().strip();
        if (!left.isEmpty()) {
            docker.docker(Stream.concat(Stream.of("rm", "-f"), left.lines()).toArray(String[]::new));
        }
        assertEquals("", left, "containers left behind");
    }

    @Test
    void version_info_and_the_image_list_answer_through_the_gate() {
        assertEquals("1.41", learner("version", "--format", "{{.Server.APIVersion}}").requireSuccess().output().strip());
        assertTrue(learner("info", "--format", "{{.ServerVersion}}").requireSuccess().output().startsWith("20.10"));
        assertTrue(learner("images", "--format", "{{.Repository}}:{{.Tag}}").requireSuccess().output().lines()
                .anyMatch(TINY::equals));
        assertTrue(gate.forwardedRequests() > 0);
    }

    @Test
    void import_tag_history_save_load_and_rmi_work_through_the_gate() throws IOException {
        Path small = folder.resolve("small.tar");
        Files.write(small, tar(Map.of("hello.txt", "imported through the gate\n".getBytes(StandardCharsets.UTF_8)), Map.of()));
        assertTrue(learner("import", small.toString(), "imported:1").requireSuccess().output().startsWith("sha256:"));
        learner("tag", "imported:1", "imported:2").requireSuccess();
        assertEquals(direct("image", "inspect", "--format", "{{.Id}}", "imported:1"),
                direct("image", "inspect", "--format", "{{.Id}}", "imported:2"));
        assertTrue(learner("history", "imported:1").requireSuccess().output().contains("Imported from -"));
        learner("rmi", "imported:1", "imported:2").requireSuccess();
        assertNotEquals(0, docker.docker("image", "inspect", "imported:1").exitCode(), "removed");

        // An upload larger than any buffer of the gate: docker load streams it through.
        learner("tag", TINY, "reloaded:1").requireSuccess();
        Path saved = folder.resolve("saved.tar");
        learner("save", "-o", saved.toString(), "reloaded:1").requireSuccess();
        assertTrue(Files.size(saved) > 1024 * 1024, "the archive holds busybox: " + Files.size(saved));
        learner("rmi", "reloaded:1").requireSuccess();
        assertEquals("Loaded image: reloaded:1", learner("load", "-i", saved.toString()).requireSuccess().output().strip());
        assertEquals(direct("image", "inspect", "--format", "{{.Id}}", TINY),
                direct("image", "inspect", "--format", "{{.Id}}", "reloaded:1"));
        learner("rmi", "reloaded:1").requireSuccess();
    }

    @Test
    void a_container_runs_prints_reads_its_input_and_takes_an_exec() {
        assertEquals("hello from the gate\n",
                learner("run", "--rm", TINY, "/bin/busybox", "echo", "hello from the gate").requireSuccess().output());
        assertEquals("piped through the gate\n", Cli.run(List.of("docker", "run", "-i", "--rm", TINY, "/bin/busybox", "cat"),
                learnerEnv(), "piped through the gate\n").requireSuccess().output());
        learner("run", "-d", "--name", "runner", "-v", "data:/data", TINY, "/bin/busybox", "sleep", "300").requireSuccess();
        try {
            assertEquals("exec ok\n", learner("exec", "runner", "/bin/busybox", "echo", "exec ok").requireSuccess().output());
            assertTrue(learner("logs", "runner").requireSuccess().output().isEmpty());
            assertTrue(learner("top", "runner").requireSuccess().output().contains("sleep 300"));
        } finally {
            learner("rm", "-f", "runner").requireSuccess();
            learner("volume", "rm", "data").requireSuccess();
        }
    }

    @Test
    void login_push_and_pull_reach_the_practice_registry() {
        String registry = docker.registryAddress();
        String image = registry + "/" + RealDocker.USER + "/tiny:1";
        assertTrue(Cli.run(List.of("docker", "login", registry, "-u", RealDocker.USER, "--password-stdin"), learnerEnv(),
                RealDocker.PASSWORD).requireSuccess().output().contains("Login Succeeded"));
        learner("tag", TINY, image).requireSuccess();
        assertTrue(learner("push", image).requireSuccess().output().contains("1: digest: sha256:"));
        learner("rmi", image).requireSuccess();
        assertTrue(learner("pull", image).requireSuccess().output().contains("Downloaded newer image for " + image));
        assertEquals(direct("image", "inspect", "--format", "{{.Id}}", TINY),
                direct("image", "inspect", "--format", "{{.Id}}", image));
        learner("rmi", image).requireSuccess();
    }

    @Test
    void events_reach_the_cli_as_they_happen_and_hanging_up_frees_the_connection() throws Exception {
        // --since replays what happened after it, so the tag below is seen however late the stream opens.
        ProcessBuilder builder = new ProcessBuilder("docker", "events", "--since", Long.toString(Instant.now().getEpochSecond() - 1),
                "--format", "{{.Action}} {{.Actor.Attributes.name}}").redirectErrorStream(true);
        builder.environment().putAll(learnerEnv());
        Process events = builder.start();
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        reader.start();
        try {
            learner("tag", TINY, "evented:1").requireSuccess();
            await().atMost(WAIT).until(() -> lines.contains("tag evented:1"));
            assertTrue(events.isAlive(), "the event came while the stream was still open");
            assertEquals(1, gate.openConnections(), "the stream");
        } finally {
            events.destroy();
            events.waitFor(10, TimeUnit.SECONDS);
        }
        // No event follows to fail a write: the gate must pass the hang-up on for the daemon to end the stream.
        await().atMost(WAIT).until(() -> gate.openConnections() == 0);
        learner("rmi", "evented:1").requireSuccess();
    }

    static Stream<Arguments> refusals() {
        String daemon = "Error response from daemon: dockstep: this sandbox ";
        String run = "docker: " + daemon + "does not allow ";
        String hostPath = "-v/--mount of a host path (/); use a named volume, e.g. -v data:/data";
        return Stream.of(
                Arguments.of(List.of("run", "--rm", "--privileged", TINY), run + "--privileged"),
                Arguments.of(List.of("run", "--rm", "-v", "/:/host", TINY), run + hostPath),
                Arguments.of(List.of("run", "--rm", "--mount", "type=bind,src=/,dst=/host", TINY), run + hostPath),
                Arguments.of(List.of("run", "--rm", "--mount",
                        "type=volume,src=hostroot,dst=/h,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/", TINY),
                        run + "--mount volume-opt"),
                Arguments.of(List.of("run", "--rm", "--device", "/dev/null", TINY), run + "--device"),
                Arguments.of(List.of("run", "--rm", "--gpus", "all", TINY), run + "--gpus"),
                Arguments.of(List.of("run", "--rm", "--device-cgroup-rule", "c 1:3 mr", TINY), run + "--device-cgroup-rule"),
                Arguments.of(List.of("run", "--rm", "--cap-add", "SYS_ADMIN", TINY), run + "--cap-add"),
                Arguments.of(List.of("run", "--rm", "--security-opt", "seccomp=unconfined", TINY), run + "--security-opt"),
                Arguments.of(List.of("run", "--rm", "--security-opt", "systempaths=unconfined", TINY),
                        run + "--security-opt systempaths=unconfined"),
                Arguments.of(List.of("run", "--rm", "--pid=host", TINY), run + "--pid=host"),
                Arguments.of(List.of("run", "--rm", "--ipc=host", TINY), run + "--ipc=host"),
                Arguments.of(List.of("run", "--rm", "--network=host", TINY), run + "--network=host"),
                Arguments.of(List.of("run", "--rm", "--userns=host", TINY), run + "--userns=host"),
                Arguments.of(List.of("run", "--rm", "--uts=host", TINY), run + "--uts=host"),
                Arguments.of(List.of("run", "--rm", "--cgroupns=host", TINY), run + "--cgroupns=host"),
                Arguments.of(List.of("run", "--rm", "--runtime", "io.containerd.runc.v2", TINY), run + "--runtime"),
                Arguments.of(List.of("run", "--rm", "--cgroup-parent", "/escape", TINY), run + "--cgroup-parent"),
                Arguments.of(List.of("run", "--rm", "--sysctl", "net.ipv4.ip_forward=1", TINY), run + "--sysctl"),
                Arguments.of(List.of("run", "--rm", "--log-driver", "syslog", TINY),
                        run + "--log-driver syslog (json-file, local and none are allowed)"),
                Arguments.of(List.of("create", "--privileged", TINY), daemon + "does not allow --privileged"),
                Arguments.of(List.of("volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device=/", "hostroot"),
                        daemon + "does not allow docker volume create --opt"),
                Arguments.of(List.of("network", "create", "learners-net"), daemon + "does not allow docker network create"),
                Arguments.of(List.of("build", "-t", "built:1", "-"), daemon + "does not allow docker build"),
                Arguments.of(List.of("import", "http://198.51.100.1/rootfs.tar", "fetched:1"),
                        daemon + "does not allow docker import from a URL (import a file: docker import FILE or -)"),
                Arguments.of(List.of("pull", "busybox"), daemon + "can only reach the registry " + docker.registryAddress()),
                Arguments.of(List.of("push", "learner/tiny:1"), daemon + "can only reach the registry " + docker.registryAddress()));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void each_refused_option_prints_one_line_and_nothing_happens(List<String> args, String line) {
        boolean push = args.get(0).equals("push");
        if (push) {
            docker.docker("tag", TINY, "learner/tiny:1").requireSuccess();
        }
        String imagesBefore = direct("images", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}");
        Cli.Result result = Cli.run(Stream.concat(Stream.of("docker"), args.stream()).toList(), learnerEnv(),
                "FROM " + TINY + "\n");
        String imagesAfter = direct("images", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}");
        if (push) {
            docker.docker("rmi", "learner/tiny:1").requireSuccess();
        }
        assertNotEquals(0, result.exitCode(), result.output());
        assertEquals(List.of(line), result.output().lines().filter(l -> l.contains("Error")).toList(), result.output());
        assertEquals("", direct("ps", "-aq"), "no container was created");
        assertEquals("", direct("volume", "ls", "-q"), "no volume was created");
        assertFalse(direct("network", "ls", "--format", "{{.Name}}").contains("learners-net"));
        // docker images lists two names of one image in no fixed order.
        assertEquals(imagesBefore.lines().sorted().toList(), imagesAfter.lines().sorted().toList(),
                "no image came or went");
    }

    @Test
    void exec_may_not_be_privileged() {
        learner("run", "-d", "--name", "busy", TINY, "/bin/busybox", "sleep", "300").requireSuccess();
        try {
            Cli.Result result = learner("exec", "--privileged", "busy", "/bin/busybox", "id");
            assertNotEquals(0, result.exitCode());
            assertEquals("Error response from daemon: dockstep: this sandbox does not allow docker exec --privileged",
                    result.output().strip());
        } finally {
            learner("rm", "-f", "busy").requireSuccess();
        }
    }

    @Test
    void a_second_request_on_one_connection_never_reaches_the_daemon() throws Exception {
        String body = "{\"Image\":\"" + TINY + "\",\"HostConfig\":{\"Privileged\":true}}";
        String twoRequests = "GET /v1.41/_ping HTTP/1.1\r\nHost: docker\r\n\r\n"
                + "POST /v1.41/containers/create?name=smuggled HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        // Straight to the daemon, both are served: the attack is real.
        String direct = exchange(daemonSocket(), twoRequests);
        assertEquals(2, count(direct, "HTTP/1.1 2"), direct);
        assertEquals("true", direct("inspect", "--format", "{{.HostConfig.Privileged}}", "smuggled"));
        docker.docker("rm", "smuggled").requireSuccess();

        long forwarded = gate.forwardedRequests();
        String gated = exchange(gate.socket(), twoRequests);
        assertTrue(gated.startsWith("HTTP/1.1 200 OK\r\n"), gated);
        assertEquals(1, count(gated, "HTTP/1.1 "), gated);
        assertTrue(gated.endsWith("OK"), "the ping's answer, and then the gate hung up: " + gated);
        assertEquals(forwarded + 1, gate.forwardedRequests());
        assertNotEquals(0, docker.docker("inspect", "smuggled").exitCode(), "no container was created");

        // A body the daemon would ignore cannot carry a request either: it is sent as a body, with Connection: close.
        String smuggled = twoRequests.substring(twoRequests.indexOf("POST"));
        String inBody = "GET /v1.41/_ping HTTP/1.1\r\nHost: docker\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled;
        assertEquals(1, count(exchange(gate.socket(), inBody), "HTTP/1.1 "));
        assertNotEquals(0, docker.docker("inspect", "smuggled").exitCode(), "no container was created");

        // A client that keeps sending after its request is taken to have gone: even a stream of events ends.
        String events = exchange(gate.socket(), "GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n" + "x".repeat(100_000));
        assertTrue(events.startsWith("HTTP/1.1 200 OK\r\n"), events);
    }

    @Test
    void requests_that_could_be_read_two_ways_get_one_json_line_and_never_reach_the_daemon() throws Exception {
        String form = "fromSrc=http://198.51.100.1/x";
        Map<String, String> refused = Map.of(
                "POST /v1.41/containers/x/../../build HTTP/1.1\r\nHost: d\r\n\r\n",
                "HTTP/1.1 400 Bad Request|dockstep: malformed request: the path has a . or .. segment",
                "POST /v1.41/images/%2e%2e/%2e%2e/build HTTP/1.1\r\nHost: d\r\n\r\n",
                "HTTP/1.1 400 Bad Request|dockstep: malformed request: the path has a . or .. segment",
                "POST //build HTTP/1.1\r\nHost: d\r\n\r\n",
                "HTTP/1.1 400 Bad Request|dockstep: malformed request: the path has an empty segment (// or a trailing /)",
                "POST /v1.41/%62uild HTTP/1.1\r\nHost: d\r\n\r\n",
                "HTTP/1.1 403 Forbidden|dockstep: this sandbox does not allow docker build",
                "POST /v1.23/containers/x/start HTTP/1.1\r\nHost: d\r\n\r\n",
                "HTTP/1.1 400 Bad Request|dockstep: API version 1.23 is too old for this sandbox; use 1.24 or newer",
                "POST /v1.41/containers/x/wait HTTP/1.1\r\nHost: d\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "HTTP/1.1 400 Bad Request|dockstep: malformed request: a request may not carry both Content-Length and Transfer-Encoding",
                "POST /v1.41/images/create?fromSrc=- HTTP/1.1\r\nHost: d\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + form.length() + "\r\n\r\n" + form,
                "HTTP/1.1 400 Bad Request|dockstep: malformed request: form-encoded bodies are not accepted",
                "POST /v1.41/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunked("{\"Image\":\"" + TINY + "\",\"HostConfig\":{\"Privileged\":true}}"),
                "HTTP/1.1 403 Forbidden|dockstep: this sandbox does not allow --privileged");
        long forwarded = gate.forwardedRequests();
        long refusedBefore = gate.refusedRequests();
        for (var request : refused.entrySet()) {
            assertEquals(request.getValue(), statusAndMessage(exchange(gate.socket(), request.getKey())), request.getKey());
        }
        assertEquals(forwarded, gate.forwardedRequests(), "nothing reached the daemon");
        assertEquals(refusedBefore + refused.size(), gate.refusedRequests());
        assertEquals("", direct("ps", "-aq"));
    }

    @Test
    void the_socket_is_the_learners_alone() throws Exception {
        Path open = Files.createTempDirectory(Path.of("/tmp"), "ds-gate-");
        try {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx--x--x"));
            Path config = Files.createDirectories(open.resolve("config"));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxrwxrwx"));
            int nobody = 65534;
            try (DockerGate owned = DockerGate.start(open.resolve("gate.sock"), daemonSocket(),
                    new GatePolicy(Set.of()), OptionalInt.of(nobody), OptionalInt.of(nobody))) {
                Path socket = owned.socket();
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
                assertEquals(nobody, Files.getAttribute(socket, "unix:uid"));
                assertEquals(nobody, Files.getAttribute(socket, "unix:gid"));
                Map<String, String> env = Map.of("DOCKER_HOST", owned.dockerHost(), "DOCKER_CONFIG", config.toString(),
                        "HOME", config.toString());
                assertEquals("1.41", Cli.run(List.of("setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups",
                        "docker", "version", "--format", "{{.Server.APIVersion}}"), env, null).requireSuccess().output().strip());
                Cli.Result stranger = Cli.run(List.of("setpriv", "--reuid=65533", "--regid=65533", "--clear-groups",
                        "docker", "version", "--format", "{{.Server.APIVersion}}"), env, null);
                assertNotEquals(0, stranger.exitCode());
                assertTrue(stranger.output().contains("permission denied"), stranger.output());
            }
            assertFalse(Files.exists(open.resolve("gate.sock")), "the socket is removed on close");
        } finally {
            RealDocker.deleteTree(open);
        }
    }

    @Test
    void a_dead_gates_socket_is_replaced_but_a_live_gate_or_a_file_is_left_alone() throws Exception {
        Path path = docker.folder("stale").resolve("gate.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(Files.exists(path), "a dead server leaves its socket file");
        try (DockerGate replacing = DockerGate.start(path, daemonSocket(), new GatePolicy(Set.of()),
                OptionalInt.empty(), OptionalInt.empty())) {
            assertEquals("1.41", Cli.docker(replacing.dockerHost(), docker.dockerConfig(), "version", "--format",
                    "{{.Server.APIVersion}}").requireSuccess().output().strip());
            SandboxException live = assertThrows(SandboxException.class, () -> DockerGate.start(path, daemonSocket(),
                    new GatePolicy(Set.of()), OptionalInt.empty(), OptionalInt.empty()));
            assertEquals("cannot open the Docker gate at " + path + ": another server is listening there", live.getMessage());
            assertEquals("1.41", Cli.docker(replacing.dockerHost(), docker.dockerConfig(), "version", "--format",
                    "{{.Server.APIVersion}}").requireSuccess().output().strip(), "the live gate still serves");
        }
        Path file = path.resolveSibling("notes.txt");
        Files.writeString(file, "mine");
        SandboxException notSocket = assertThrows(SandboxException.class, () -> DockerGate.start(file, daemonSocket(),
                new GatePolicy(Set.of()), OptionalInt.empty(), OptionalInt.empty()));
        assertEquals("cannot open the Docker gate at " + file + ": something that is not a socket is there", notSocket.getMessage());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void a_learner_cannot_make_the_gate_hold_more_than_its_limits() throws Exception {
        GateLimits small = new GateLimits(2, 1024, 2048, 2560, Duration.ofSeconds(30));
        try (DockerGate limited = DockerGate.start(docker.folder("limits").resolve("gate.sock"), daemonSocket(),
                new GatePolicy(Set.of()), OptionalInt.empty(), OptionalInt.empty(), small)) {
            Path socket = limited.socket();
            // Two connections that send nothing hold the two places; a third is turned away at once.
            try (SocketChannel one = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                 SocketChannel two = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                await().atMost(WAIT).until(() -> limited.openConnections() == 2);
                assertEquals("HTTP/1.1 503 Service Unavailable|dockstep: too many connections to this sandbox at once (2);"
                        + " close some and try again", statusAndMessage(exchange(socket, "GET /_ping HTTP/1.1\r\n\r\n")));
            }
            await().atMost(WAIT).until(() -> limited.openConnections() == 0);

            String longHead = "GET /_ping HTTP/1.1\r\nX-Padding: " + "x".repeat(2000) + "\r\n\r\n";
            assertEquals("HTTP/1.1 400 Bad Request|dockstep: malformed request: the request head is larger than 1 KiB",
                    statusAndMessage(exchange(socket, longHead)));
            String big = "{\"Image\":\"" + "x".repeat(3000) + "\"}";
            String tooLarge = "HTTP/1.1 413 Content Too Large|dockstep: the request body is larger than 2 KiB";
            assertEquals(tooLarge, statusAndMessage(exchange(socket, "POST /containers/create HTTP/1.1\r\nContent-Length: "
                    + big.length() + "\r\n\r\n" + big)));
            assertEquals(tooLarge, statusAndMessage(exchange(socket, "POST /containers/create HTTP/1.1\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunked(big))));

            // A body still arriving holds its buffer; the gate's budget (2.5 KiB) has no room for another 1 KiB.
            try (SocketChannel slow = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                slow.write(ByteBuffer.wrap("POST /containers/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"Im\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
                await().atMost(WAIT).until(() -> limited.bufferedBytes() == 2048);
                String fits = "{\"Image\":\"" + "x".repeat(1000) + "\"}";
                assertEquals("HTTP/1.1 503 Service Unavailable|dockstep: this sandbox is busy with other large requests;"
                        + " try again in a moment", statusAndMessage(exchange(socket, "POST /containers/create HTTP/1.1\r\n"
                        + "Content-Length: " + fits.length() + "\r\n\r\n" + fits)));
            }
            await().atMost(WAIT).until(() -> limited.bufferedBytes() == 0 && limited.openConnections() == 0);
            assertEquals(0, limited.forwardedRequests());
            assertTrue(exchange(socket, "GET /_ping HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200 OK"), "the gate still serves");
        }
    }

    @Test
    void a_head_that_never_finishes_is_answered_when_its_time_is_up() throws Exception {
        GateLimits impatient = new GateLimits(4, 1024, 2048, 4096, Duration.ofSeconds(1));
        try (DockerGate limited = DockerGate.start(docker.folder("timeout").resolve("gate.sock"), daemonSocket(),
                new GatePolicy(Set.of()), OptionalInt.empty(), OptionalInt.empty(), impatient)) {
            assertEquals("HTTP/1.1 408 Request Timeout|dockstep: the request did not arrive within 1 s",
                    statusAndMessage(exchange(limited.socket(), "GET /_ping HTTP/1.1\r\nHost: d")));
            await().atMost(WAIT).until(() -> limited.openConnections() == 0);
        }
    }

    @Test
    void a_daemon_that_is_not_there_is_one_line_too() throws Exception {
        try (DockerGate orphan = DockerGate.start(docker.folder("orphan").resolve("gate.sock"),
                docker.folder("nowhere").resolve("docker.sock"), new GatePolicy(Set.of()), OptionalInt.empty(), OptionalInt.empty())) {
            String answer = exchange(orphan.socket(), "GET /v1.41/images/json HTTP/1.1\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 502 Bad Gateway"), answer);
            assertTrue(answer.endsWith("{\"message\":\"dockstep: the sandbox's Docker daemon is not answering; try again in a moment\"}"));
        }
    }

    private static Cli.Result learner(String... args) {
        return Cli.docker(gate.dockerHost(), docker.dockerConfig(), args);
    }

    private static Map<String, String> learnerEnv() {
        return Map.of("DOCKER_HOST", gate.dockerHost(), "DOCKER_CONFIG", docker.dockerConfig().toString());
    }

    /** Asks the daemon itself, past the gate, what is there. */
    private static String direct(String... args) {
        return docker.docker(args).requireSuccess().output().strip();
    }

    private static Path daemonSocket() {
        return Path.of(docker.dockerHost().substring("unix://".length()));
    }

    /** Sends raw bytes on one connection and reads until the other side hangs up. */
    private static String exchange(Path socket, String request) throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            try {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            } catch (IOException hungUp) {
                // the gate may answer and hang up before it has read everything: the answer is what counts
            }
            return readAll(channel);
        }
    }

    /** {@code HTTP/1.1 403 Forbidden|message} of an answer from the gate itself. */
    private static String statusAndMessage(String answer) {
        String status = answer.substring(0, answer.indexOf("\r\n"));
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertTrue(answer.contains("\r\nContent-Type: application/json\r\n"), answer);
        assertTrue(body.startsWith("{\"message\":\"") && body.endsWith("\"}") && !body.contains("\n"), answer);
        return status + "|" + body.substring("{\"message\":\"".length(), body.length() - 2);
    }

    private static String chunked(String body) {
        int half = body.length() / 2;
        return Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                + Integer.toHexString(body.length() - half) + "\r\n" + body.substring(half) + "\r\n0\r\n\r\n";
    }

    private static String readAll(SocketChannel channel) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            try {
                while (channel.read(buffer.clear()) >= 0) {
                    all.write(buffer.array(), 0, buffer.position());
                }
            } catch (IOException e) {
                // a reset after the answer: what was read is the answer
            }
            return all.toString(StandardCharsets.UTF_8);
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    /** A root file system of /bin/busybox alone, with sh, echo and cat linked to it. */
    private static byte[] busyboxRootfs() throws IOException {
        return tar(Map.of("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox"))),
                Map.of("bin/sh", "busybox", "bin/echo", "busybox", "bin/cat", "busybox"));
    }

    private static byte[] tar(Map<String, byte[]> files, Map<String, String> links) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (String dir : Set.of("bin/", "tmp/")) {
                tar.putArchiveEntry(new TarArchiveEntry(dir));
                tar.closeArchiveEntry();
            }
            for (var file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(0100755);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            for (var link : links.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(link.getKey(), TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName(link.getValue());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
