package dev.dockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.harness.RealDocker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code dockstep serve} as a user runs it: the packaged jar in a process of its own. */
class ServeCommandIT {
    private static final String LESSONS = "src/test/resources/fixtures/lessons";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;

    @BeforeEach
    void folder() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ds-cli-");
    }

    @AfterEach
    void clean() {
        RealDocker.deleteTree(dir);
    }

    @Test
    void sigterm_stops_the_daemon_and_the_registry_it_started_and_leaves_nothing_running() throws Exception {
        int port = Ports.free();
        try (DockstepProcess serve = DockstepProcess.start(Map.of(), "serve", "--sandbox", "shared",
                "--data", dir.resolve("data").toString(),
                "--lessons", LESSONS, "--port", Integer.toString(port), "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()))) {
            serve.awaitOutput("Stop with Ctrl-C.");
            assertTrue(serve.output().contains("export DOCKER_HOST=unix://" + dir.resolve("data/docker/docker.sock")),
                    serve.output());
            assertTrue(serve.output().contains("export DOCKER_CONFIG=" + dir.resolve("data/docker-config")));
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            List<ProcessHandle> children = serve.handle().descendants().toList();
            List<String> names = children.stream().map(p -> p.info().command().orElse("")).toList();
            assertTrue(names.stream().anyMatch(n -> n.endsWith("dockerd")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("docker-registry")), names.toString());

            serve.terminate();

            for (ProcessHandle child : children) {
                assertFalse(child.isAlive(), child.info().command().orElse("?") + " (" + child.pid() + ") still runs");
            }
        }
    }

    @Test
    void an_unreachable_docker_in_host_mode_is_reported_and_the_server_stays_up() throws Exception {
        int port = Ports.free();
        String nowhere = "unix://" + dir.resolve("no-docker.sock");
        try (DockstepProcess serve = DockstepProcess.start(Map.of("DOCKER_HOST", nowhere), "serve", "--sandbox", "host",
                "--data", dir.resolve("data").toString(), "--lessons", LESSONS,
                "--port", Integer.toString(port), "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()))) {
            serve.awaitOutput("Stop with Ctrl-C.");
            assertTrue(serve.output().contains("could not prepare the lesson images [backend:0.1] in Docker at "
                    + nowhere + ": No such file or directory"), serve.output());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode());
            JsonNode docker = JSON.readTree(health.body()).get("docker");
            assertEquals("down", docker.get("status").asText());
            assertEquals("Docker does not answer at " + nowhere, docker.get("reason").asText(), health.body());

            var web = new dev.dockstep.harness.WebClient("http://localhost:" + port).signUp("hostlearner", "host-password");
            HttpResponse<String> check = web.postJson("/api/check/hub/tag/tag-the-image", "{}");
            assertEquals(200, check.statusCode());
            assertEquals("unavailable", JSON.readTree(check.body()).at("/checks/0/status").asText());
            assertNoStackTrace(serve.output());
            serve.terminate();
        }
    }

    @Test
    void the_data_folder_the_database_and_the_registrys_storage_are_readable_by_dockstep_only() throws Exception {
        // The folder above is left open, as a home folder often is: only dockstep's own modes guard the data.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = dir.resolve("data");
        int port = Ports.free();
        try (DockstepProcess serve = DockstepProcess.start(Map.of(), "serve", "--data", data.toString(),
                "--lessons", LESSONS, "--port", Integer.toString(port), "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()),
                "--sandbox-pool", "0")) {
            serve.awaitOutput("Stop with Ctrl-C.");
            var web = new dev.dockstep.harness.WebClient("http://localhost:" + port).signUp("private", "private-password");
            // Something pushed, so that the registry's storage holds a learner's blobs.
            var sandbox = web.sandbox();
            String ref = sandbox.registry() + "/private/backend:0.1";
            sandbox.login("private-password").requireSuccess();
            sandbox.docker("tag", "backend:0.1", ref).requireSuccess();
            sandbox.docker("push", ref).requireSuccess();

            // Passable by the sandboxes' users, listable by nobody.
            assertEquals("rwx--x--x", mode(data));
            assertEquals("rwx--x--x", mode(data.resolve("sandboxes")));
            for (String file : List.of("progress.db", "progress.db-wal", "progress.db-shm", "dockstep.lock",
                    "sandboxes/slots", "sandboxes/id")) {
                assertEquals("rw-------", mode(data.resolve(file)), file);
            }
            assertEquals("rwx------", mode(data.resolve("registry")));
            Path blob;
            try (var files = Files.walk(data.resolve("registry/storage"))) {
                blob = files.filter(f -> f.toString().contains("/blobs/") && f.getFileName().toString().equals("data"))
                        .findFirst().orElseThrow(() -> new AssertionError("no blob in the registry's storage"));
            }
            for (Path secret : List.of(data.resolve("progress.db"), data.resolve("progress.db-wal"),
                    data.resolve("registry/token/signing-key.pem"), blob, data.resolve("sandboxes/slots"),
                    sandbox.dockerConfig().resolve("config.json"))) {
                Cli.Result read = Cli.run(List.of("runuser", "-u", "nobody", "--", "cat", secret.toString()), Map.of(), "");
                assertTrue(read.exitCode() != 0 && read.output().contains("Permission denied"), secret + ": " + read.output());
            }
            for (Path folder : List.of(data, data.resolve("sandboxes"), sandbox.dockerConfig())) {
                Cli.Result list = Cli.run(List.of("runuser", "-u", "nobody", "--", "ls", folder.toString()), Map.of(), "");
                assertTrue(list.exitCode() != 0, "another user listed " + folder + ": " + list.output());
            }
        } finally {
            dev.dockstep.harness.TestApp.removeSandboxUsers(data);
        }
    }

    @Test
    void with_a_public_url_the_server_answers_to_that_name_and_says_it() throws Exception {
        int port = Ports.free();
        String url = "http://class.dockstep.test:" + port + "/";
        try (DockstepProcess serve = DockstepProcess.start(Map.of(), "serve", "--data", dir.resolve("data").toString(),
                "--lessons", LESSONS, "--port", Integer.toString(port), "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()),
                "--public-url", url, "--sandbox", "shared")) {
            serve.awaitOutput("Stop with Ctrl-C.");
            assertTrue(serve.output().contains("dockstep is serving " + url), serve.output());
            assertTrue(rawGet(port, "class.dockstep.test:" + port).startsWith("HTTP/1.1 200"));
            assertTrue(rawGet(port, "other.dockstep.test:" + port).startsWith("HTTP/1.1 400"));
            // Behind a proxy that passes on Host as 127.0.0.1, a page from the public address is still ours.
            String body = "{\"username\":\"nobodyhere\",\"password\":\"not-a-password\"}";
            assertTrue(rawPost(port, "127.0.0.1:" + port, "http://class.dockstep.test:" + port, body)
                    .startsWith("HTTP/1.1 401"));
            assertTrue(rawPost(port, "127.0.0.1:" + port, "http://evil.dockstep.test:" + port, body)
                    .startsWith("HTTP/1.1 403"));
        }
    }

    @Test
    void a_public_url_that_is_not_an_address_is_one_line() {
        Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--public-url", "ftp://class.example.org/x",
                "--data", dir.resolve("data").toString());
        assertEquals(1, result.exitCode());
        assertOneLine(result.output(), "dockstep: --public-url must be an address such as https://class.example.org/"
                + " (http or https, a host, an optional port, no path), not 'ftp://class.example.org/x'");
    }

    @Test
    void a_data_folder_that_cannot_be_written_is_one_line() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "not a folder");
        Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--data", file.resolve("data").toString(),
                "--lessons", LESSONS, "--port", Integer.toString(Ports.free()));
        assertEquals(1, result.exitCode());
        assertOneLine(result.output(), "dockstep: the data folder " + file.resolve("data") + " cannot be written");
    }

    @Test
    void a_port_in_use_is_one_line() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--data", dir.resolve("data").toString(),
                    "--lessons", LESSONS, "--port", Integer.toString(taken.getLocalPort()),
                    "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()));
            assertEquals(1, result.exitCode());
            assertOneLine(result.output(), "dockstep: port " + taken.getLocalPort()
                    + " is already in use; stop what uses it or choose another with --port");
        }
    }

    @Test
    void a_company_registry_port_in_use_is_one_line_naming_its_flag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--sandbox", "shared", "--data",
                    dir.resolve("data-company").toString(), "--lessons", LESSONS, "--port", Integer.toString(Ports.free()),
                    "--registry-port", Integer.toString(Ports.free()),
                    "--company-registry-port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, result.exitCode());
            assertOneLine(result.output(), "dockstep: port " + taken.getLocalPort() + " is already in use, so the"
                    + " company registry cannot start; choose another with --company-registry-port");
        }
    }

    @Test
    void a_missing_dockerd_is_one_line_naming_the_package() {
        Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--sandbox", "shared",
                "--data", dir.resolve("data").toString(), "--lessons", LESSONS, "--port", Integer.toString(Ports.free()),
                "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()), "--dockerd-binary", "no-such-dockerd");
        assertEquals(1, result.exitCode());
        assertOneLine(result.output(), "dockstep: no-such-dockerd was not found; install it with: apt-get install docker.io");
    }

    @Test
    void a_wrong_sandbox_name_is_one_line() {
        Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--sandbox", "cloud", "--data",
                dir.resolve("data").toString());
        assertEquals(2, result.exitCode());
        List<String> lines = result.output().strip().lines().toList();
        assertEquals(List.of("dockstep: Invalid value for option '--sandbox': choose per-learner, shared or host,"
                + " not 'cloud'", "Run 'dockstep serve --help' for the options."), lines, result.output());
    }

    @Test
    void a_wrong_registry_names_the_values_it_takes() {
        Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--registry", "quay", "--data",
                dir.resolve("data").toString());
        assertEquals(2, result.exitCode());
        List<String> lines = result.output().strip().lines().toList();
        assertEquals(List.of("dockstep: Invalid value for option '--registry': expected one of [practice, hub]"
                + " (case-sensitive) but was 'quay'", "Run 'dockstep serve --help' for the options."), lines,
                result.output());
    }

    @Test
    void help_lists_the_flags() {
        Cli.Result result = DockstepProcess.run(Map.of(), "serve", "--help");
        assertEquals(0, result.exitCode());
        for (String flag : List.of("--port", "--data", "--lessons", "--sandbox", "--registry-port", "--company-registry-port",
                "--max-sandboxes",
                "--sandbox-pool", "--sandbox-idle")) {
            assertTrue(result.output().contains(flag), flag + " in " + result.output());
        }
    }

    private static String mode(Path path) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** The practice registry's address, as the sandbox endpoint tells a learner. */
    private String registryAddress(int port) throws Exception {
        var web = new dev.dockstep.harness.WebClient("http://localhost:" + port);
        web.postJson("/api/login", Map.of("username", "private", "password", "private-password"));
        return JSON.readTree(web.get("/api/sandbox").body()).get("registry").asText();
    }

    private static String rawGet(int port, String host) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String rawPost(int port, String host, String origin, String json) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
                    + "\r\nConnection: close\r\n\r\n" + json).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The message is the last line and nothing before it looks like a stack trace. */
    private static void assertOneLine(String output, String expectedStart) {
        List<String> lines = output.strip().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith(expectedStart), output);
        assertNoStackTrace(output);
    }

    private static void assertNoStackTrace(String output) {
        assertFalse(output.contains("\tat "), output);
        assertFalse(output.contains("Exception"), output);
    }
}
