package dev.dockstep.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.LearnerSandbox;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import dev.dockstep.sandbox.PracticeRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second, "company" practice registry, served for real: a learner's own sandbox reaches it
 * through the gate, /healthz covers it, it comes back when it dies; and a finished course offers
 * the next one.
 */
class CompanyRegistryIT {
    private static final String PASSWORD = "company-password";
    private static Path lessons;
    private static TestApp server;

    @BeforeAll
    static void start() throws Exception {
        lessons = Files.createTempDirectory(Path.of("/tmp"), "ds-company-lessons-");
        Path first = Files.createDirectories(lessons.resolve("a-first"));
        Files.writeString(first.resolve("index.md"), "---\ntitle: A first\nsummary: The first course.\n---\n");
        Files.writeString(first.resolve("01-only.md"), """
                ---
                title: Only
                ---
                ## Answer

                ```quiz
                Is this right?
                - [x] yes
                - [ ] no
                ```
                """);
        Path second = Files.createDirectories(lessons.resolve("b-second"));
        Files.writeString(second.resolve("index.md"), "---\ntitle: B second\nsummary: \"The `second` course.\"\n---\n");
        Files.writeString(second.resolve("01-company.md"), """
                ---
                title: Company
                setup:
                  images: [backend:0.1]
                  registries: [company]
                ---
                ## Push to the company

                Push to {{company_registry}}.

                ```check
                pushed {{company_repo}}/app:1
                ```

                ```hint
                Push it.
                ```

                ```solution
                docker push {{company_repo}}/app:1
                ```
                """);
        server = TestApp.start(lessons, config -> config);
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            RealDocker.deleteTree(lessons);
        }
    }

    @Test
    void a_learner_in_their_own_sandbox_signs_in_and_pushes_to_the_company_registry_through_the_gate() {
        WebClient web = new WebClient(server.base()).signUp("companya", PASSWORD);
        JsonNode described = WebClient.json(web.get("/api/sandbox"));
        String company = described.get("companyRegistry").asText();
        assertTrue(company.startsWith("127.0.0.1:"), described.toString());
        LearnerSandbox sandbox = web.sandbox();
        String ref = company + "/companya/app:1";

        Cli.Result signedOut = sandbox.bash("docker tag backend:0.1 " + ref + " && docker push " + ref, "");
        assertNotEquals(0, signedOut.exitCode(), signedOut.output());
        Cli.run(java.util.List.of("docker", "login", company, "-u", "companya", "--password-stdin"), sandbox.env(),
                PASSWORD).requireSuccess();
        sandbox.docker("push", ref).requireSuccess();
        JsonNode verdict = WebClient.json(web.postJson("/api/check/b-second/company/push-to-the-company", "{}"));
        assertTrue(verdict.get("passed").asBoolean(), verdict.toString());

        // The same port under another name is another registry, and the gate says which two it allows.
        String other = "localhost:" + company.substring(company.indexOf(':') + 1) + "/companya/app:1";
        sandbox.docker("tag", "backend:0.1", other).requireSuccess();
        Cli.Result refused = sandbox.docker("push", other);
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.output().contains("dockstep: this sandbox can only reach the registries " + company + ", "
                + server.app().sandboxes().registry().address()), refused.output());

        String page = web.get("/courses/b-second/company").body();
        assertTrue(page.contains("Push to " + company + "."), "the variable is the learner's company registry");
        assertFalse(page.contains("does not run"), "no notice where the company registry runs");
    }

    @Test
    void health_covers_the_company_registry_which_comes_back_by_itself_when_it_dies() throws Exception {
        WebClient web = new WebClient(server.base());
        assertEquals("ok", WebClient.json(web.get("/healthz")).at("/registry/status").asText());
        PracticeRegistry company = server.app().sandboxes().registry().companyProcess().orElseThrow();
        long pid = company.pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.app().sandboxes().registry().companyProcess()
                .map(p -> p.pid() != pid && p.isAlive()).orElse(false));
        await().atMost(Duration.ofSeconds(30)).until(() -> "ok".equals(WebClient.json(web.get("/healthz"))
                .at("/registry/status").asText()));
    }

    @Test
    void a_finished_course_offers_the_next_one_in_the_catalog() {
        WebClient web = new WebClient(server.base()).signUp("companyb", PASSWORD);
        assertFalse(web.get("/courses/a-first").body().contains("Next course"), "not before it is complete");
        JsonNode answered = WebClient.json(web.postJson("/api/check/a-first/only/answer", Map.of("answers",
                java.util.List.of(0))));
        assertTrue(answered.get("passed").asBoolean(), answered.toString());
        String complete = web.get("/courses/a-first").body();
        assertTrue(complete.contains("Course complete"), complete);
        assertTrue(complete.contains("Next course"), complete);
        assertTrue(complete.contains("href=\"/courses/b-second\""), complete);
        assertTrue(complete.contains("Start B second"), complete);
        assertTrue(complete.contains("The <code>second</code> course."), "its summary, rendered");
        assertFalse(web.get("/courses/b-second").body().contains("Next course"), "the last course offers none");
    }

    @Test
    void on_docker_hub_a_lesson_that_needs_the_company_registry_says_it_cannot_be_served() {
        try (TestApp hub = TestApp.start(lessons, config -> config.withDockerHub(true))) {
            WebClient web = new WebClient(hub.base()).signUp("companyc", PASSWORD);
            assertFalse(WebClient.json(web.get("/api/sandbox")).has("companyRegistry"));
            String page = web.get("/courses/b-second/company").body();
            assertTrue(page.contains("This lesson needs the classroom&#39;s company registry, which this server does"
                    + " not run: it sends learners to Docker Hub (--registry hub)."), page);
        }
    }
}
