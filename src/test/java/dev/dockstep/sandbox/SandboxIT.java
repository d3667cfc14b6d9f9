package dev.dockstep.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.sandbox.Ports;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.registry.token.TokenService;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SandboxIT {
    private static final Duration START = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ds-sb-");
    }

    @AfterEach
    void clean() {
        RealDocker.deleteTree(dir);
    }

    @Test
    void a_managed_daemon_answers_on_its_own_socket_and_is_gone_after_close() {
        ManagedDaemon daemon = ManagedDaemon.start(dir.resolve("docker"), "dockerd", START);
        long pid = daemon.pid();
        try {
            assertTrue(Waits.dockerPings(dir.resolve("docker/docker.sock")));
            assertTrue(Files.exists(dir.resolve("docker/data")), "data root under the sandbox folder");
        } finally {
            daemon.close();
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "dockerd " + pid + " still runs");
    }

    @Test
    void the_registry_refuses_anonymous_and_basic_requests_and_accepts_a_token_signed_by_dockstep() throws Exception {
        int port = Ports.free();
        try (TokenService tokens = new TokenService(dir.resolve("token"), new MemoryDirectory().learner("alice",
                "s3cret-pass"), java.time.Clock.systemUTC())) {
            tokens.start();
            try (PracticeRegistry registry = PracticeRegistry.start(dir.resolve("registry"), "docker-registry", port,
                    START, auth(tokens))) {
                assertEquals(401, get(port, null));
                assertEquals(401, get(port, "alice:s3cret-pass"), "a password opens nothing at the registry itself");
                assertEquals(200, status(port, "Bearer " + tokens.probeToken()));
                assertTrue(Files.readString(dir.resolve("registry/config.yml")).contains("realm: " + tokens.realm()));
                assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                        Files.getPosixFilePermissions(dir.resolve("registry/config.yml")), "it holds a secret");
            }
        }
    }

    /** Where a registry that will not start anyway sends clients: nowhere in particular. */
    private static PracticeRegistry.TokenAuth auth(TokenService tokens) {
        return new PracticeRegistry.TokenAuth(tokens.realm(), TokenService.SERVICE, TokenService.ISSUER,
                tokens.rootCertBundle(), tokens.notifyUrl(), tokens.notifySecret());
    }

    private static PracticeRegistry.TokenAuth nowhere() {
        return new PracticeRegistry.TokenAuth("http://127.0.0.1:9/token", "s", "i", Path.of("/nonexistent.pem"),
                "http://127.0.0.1:9/notify", "secret");
    }

    @Test
    void a_registry_port_in_use_is_one_clear_message() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            SandboxException e = assertThrows(SandboxException.class, () ->
                    PracticeRegistry.start(dir.resolve("registry"), "docker-registry", taken.getLocalPort(), START,
                            nowhere()));
            assertEquals("port " + taken.getLocalPort() + " is already in use, so the practice registry cannot start;"
                    + " choose another with --registry-port", e.getMessage());
        }
    }

    @Test
    void a_missing_binary_names_the_package_to_install() {
        SandboxException daemon = assertThrows(SandboxException.class,
                () -> ManagedDaemon.start(dir.resolve("docker"), "dockerd-not-installed", START));
        assertEquals("dockerd-not-installed was not found; install it with: apt-get install docker.io", daemon.getMessage());
        SandboxException registry = assertThrows(SandboxException.class,
                () -> PracticeRegistry.start(dir.resolve("registry"), "/nowhere/docker-registry", Ports.free(), START,
                        nowhere()));
        assertEquals("/nowhere/docker-registry was not found; install it with: apt-get install docker-registry",
                registry.getMessage());
    }

    @Test
    void a_daemon_that_dies_during_start_up_reports_its_last_log_line() throws Exception {
        // A data root that is a file makes dockerd exit at once: a real start-up failure.
        Path home = Files.createDirectories(dir.resolve("docker"));
        Files.writeString(home.resolve("data"), "not a folder");
        SandboxException e = assertThrows(SandboxException.class, () -> ManagedDaemon.start(home, "dockerd", START));
        assertTrue(e.getMessage().startsWith("dockerd exited during start-up: "), e.getMessage());
        assertTrue(e.getMessage().contains("dockerd.log"), e.getMessage());
    }

    @Test
    void a_folder_too_deep_for_unix_sockets_is_refused_before_starting() {
        Path deep = dir.resolve("x".repeat(90));
        SandboxException e = assertThrows(SandboxException.class, () -> ManagedDaemon.start(deep, "dockerd", START));
        assertTrue(e.getMessage().contains("too deep for Docker's sockets"), e.getMessage());
    }

    @Test
    void an_offline_image_loads_and_keeps_its_id_across_daemons() throws Exception {
        try (ManagedDaemon daemon = ManagedDaemon.start(dir.resolve("docker"), "dockerd", START);
             var docker = DockerClients.writable(daemon.dockerHost())) {
            OfflineImages.ensure(docker, "backend:0.1");
            OfflineImages.ensure(docker, "backend:0.1");
            String id = docker.inspectImageCmd("backend:0.1").exec().getId();
            assertEquals("sha256:" + OfflineImages.sha256(configOf(OfflineImages.archive("backend:0.1"))), id);
            OfflineImages.ensure(docker, "frontend:0.1");
            assertFalse(id.equals(docker.inspectImageCmd("frontend:0.1").exec().getId()), "two images, two IDs");
            // Several at once, in one archive: the ones present are skipped, each new one is as alone.
            OfflineImages.ensure(docker, java.util.List.of("backend:0.1", "second:0.2", "third:0.3"));
            for (String ref : java.util.List.of("second:0.2", "third:0.3")) {
                assertEquals("sha256:" + OfflineImages.sha256(configOf(OfflineImages.archive(ref))),
                        docker.inspectImageCmd(ref).exec().getId(), ref);
            }
            assertEquals(id, docker.inspectImageCmd("backend:0.1").exec().getId());
        }
    }

    /** The config blob inside an archive is the image ID's preimage. */
    private static byte[] configOf(byte[] archive) throws Exception {
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(archive))) {
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().endsWith(".json") && !entry.getName().equals("manifest.json")) {
                    return tar.readAllBytes();
                }
            }
        }
        throw new AssertionError("no config in the archive");
    }

    private int get(int port, String credentials) throws Exception {
        return status(port, credentials == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    private int status(int port, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
