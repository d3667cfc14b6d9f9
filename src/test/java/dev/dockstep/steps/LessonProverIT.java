package dev.dockstep.steps;

import dev.dockstep.check.Verifier;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LessonLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prover against a real sandbox (its own dockerd and registry), with solutions that misbehave. */
class LessonProverIT {
    @TempDir
    Path dir;

    @Test
    void a_solution_that_hangs_is_stopped_at_its_deadline_with_every_process_it_started() throws IOException {
        // The shell starts a child and waits for it, as a hung 'docker push' would keep it waiting;
        // both write their PIDs so the test can see that neither is left behind.
        Catalog catalog = lesson("""
                ## Hang
                ```check
                image {{repo}}/never:1
                ```
                ```solution
                echo $$ > %1$s/shell.pid
                sleep 600 &
                echo $! > %1$s/child.pid
                wait
                ```
                """.formatted(dir));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LessonProver prover = new LessonProver(new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(5),
                Duration.ofSeconds(3));
        // Without a real deadline this waits for the child's ten minutes.
        boolean proved = assertTimeoutPreemptively(Duration.ofSeconds(150), () -> prover.prove(catalog),
                () -> "still running; so far: " + out.toString(StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertFalse(proved, report);
        assertTrue(report.contains("01-hang.md:4: the solution failed: it ran longer than 3 s, so it was stopped, with"
                + " every process it started"), report);
        assertTrue(report.contains("test-lessons: 0 passed, 1 failed"), report);
        assertFalse(alive("shell.pid"), "the solution's shell is gone");
        assertFalse(alive("child.pid"), "the process the solution started is gone");
    }

    @Test
    void a_failing_solution_is_reported_with_the_end_of_its_output() throws IOException {
        Catalog catalog = lesson("""
                ## Fail
                ```check
                image {{repo}}/never:1
                ```
                ```solution
                echo before
                docker image inspect {{repo}}/never:1 >/dev/null
                ```
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean proved = new LessonProver(new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(5),
                Duration.ofSeconds(60)).prove(catalog);
        String report = out.toString(StandardCharsets.UTF_8);
        assertFalse(proved, report);
        assertTrue(report.matches("(?s).*01-hang\\.md:4: the solution failed: exit 1: before .*No such image.*"), report);
    }

    @Test
    void page_actions_are_done_before_the_solution_which_gets_the_token_they_made_on_its_input() throws IOException {
        Path course = Files.createDirectories(dir.resolve("lessons/hub"));
        Files.writeString(course.resolve("index.md"), "---\ntitle: Hub\n---\n");
        Files.writeString(course.resolve("01-pages.md"), """
                ---
                title: Pages
                setup:
                  images: [backend:0.1]
                ---
                ## Log in with a token
                ```page
                token read
                ```
                ```check
                token-login {{registry}}
                ```
                ```solution
                docker login {{registry}} --username {{user}} --password-stdin
                ```
                ## Revoke it
                ```page
                revoke
                ```
                ```check
                login-refused {{registry}}
                ```
                ```solution
                docker login {{registry}} --username {{user}} --password-stdin || echo refused
                ```
                ## Push without the switch
                ```check
                repo-private {{repo}}/app:1
                ```
                ```solution
                docker login {{registry}} --username {{user}} --password-stdin
                docker tag backend:0.1 {{repo}}/app:1
                docker push {{repo}}/app:1
                ```
                ## Switch it
                ```page
                private {{user}}/app
                ```
                ```check
                repo-private {{repo}}/app:1
                ```
                """);
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(dir.resolve("lessons"));
        assertFalse(catalog.hasErrors(), catalog.problems().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean proved = new LessonProver(new PrintStream(out, true, StandardCharsets.UTF_8), Duration.ofSeconds(5),
                Duration.ofSeconds(60)).prove(catalog);
        String report = out.toString(StandardCharsets.UTF_8);
        assertFalse(proved, report);
        assertTrue(report.matches("(?s).*ok +log-in-with-a-token .*ok +revoke-it .*FAIL +push-without-the-switch .*"
                + "ok +switch-it .*"), report);
        // The password again once no token was made or revoked in the step, or the push would be refused.
        assertTrue(report.contains("01-pages.md:26: its checks still fail after the solution: [repo-private"), report);
        assertTrue(report.contains("/learner/app` is public"), report);
        assertTrue(report.contains("test-lessons: 3 passed, 1 failed"), report);
    }

    /** Stops what a failed run left behind, by the PIDs the solution wrote. */
    @AfterEach
    void stopLeftovers() throws IOException {
        for (String name : new String[] {"child.pid", "shell.pid"}) {
            Optional<ProcessHandle> process = pid(name).flatMap(ProcessHandle::of);
            process.ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private boolean alive(String pidFile) throws IOException {
        Optional<Long> pid = pid(pidFile);
        assertTrue(pid.isPresent(), "the solution wrote " + pidFile);
        return ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false);
    }

    private Optional<Long> pid(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file) || Files.readString(file).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(Files.readString(file).strip()));
    }

    private Catalog lesson(String body) throws IOException {
        Path course = Files.createDirectories(dir.resolve("lessons/hub"));
        Files.writeString(course.resolve("index.md"), "---\ntitle: Hub\n---\n");
        Files.writeString(course.resolve("01-hang.md"), "---\ntitle: Misbehaving solutions\n---\n" + body);
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(dir.resolve("lessons"));
        assertFalse(catalog.hasErrors(), catalog.problems().toString());
        return catalog;
    }
}
