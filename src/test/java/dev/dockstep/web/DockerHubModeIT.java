package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --registry hub}: learners push to real Docker Hub under their Docker Hub name. Docker Hub
 * itself cannot be reached from here, so this proves what dockstep does on its side.
 */
class DockerHubModeIT {
    private static TestApp server;
    private static Path data;
    private static String base;

    @BeforeAll
    static void start() {
        server = TestApp.start(ServerIT.LESSONS, config -> config.withDockerHub(true));
        data = server.data();
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void a_learner_signs_up_with_their_hub_name_and_dockstep_keeps_no_hub_password() {
        WebClient web = new WebClient(base).signUp("hubuser1", "dockstep-only-password");
        assertEquals("docker.io", WebClient.json(web.get("/api/sandbox")).get("registry").asText());
        assertFalse(Files.exists(data.resolve("registry/htpasswd")), "no practice registry, no registry account");
        String page = web.get("/courses/hub/tag").body();
        assertTrue(page.contains("hubuser1/backend:0.1"), "{{repo}} is the bare Docker Hub name");
        assertFalse(page.contains("docker.io/hubuser1"), page);
        var tokens = web.get("/api/tokens");
        assertEquals(404, tokens.statusCode(), "access tokens and repositories live on Docker Hub");
        assertEquals("This server's learners use Docker Hub: manage your repositories and access tokens at"
                + " https://hub.docker.com.", WebClient.json(tokens).get("error").asText());
    }

    @Test
    void health_says_where_docker_hub_was_looked_for_and_the_server_stays_up() {
        var health = WebClient.json(new WebClient(base).get("/healthz"));
        assertEquals("ok", health.at("/docker/status").asText());
        assertEquals("ok", health.at("/database/status").asText());
        // Offline, Docker Hub is down; online it answers 401, which counts as up.
        String registry = health.at("/registry/status").asText();
        assertTrue(registry.equals("down") ? health.at("/registry/reason").asText().contains("registry-1.docker.io")
                : registry.equals("ok"), health.toString());
    }
}
