package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A credential helper is a program the learner's config names: it runs with a deadline, and for a
 * learner with a Linux user of their own, as that user, never with the server's privileges.
 */
class CredentialHelpersIT {
    /** Debian's "nobody": an unprivileged user every machine has. */
    private static final int NOBODY = 65534;
    private Path bin;

    @BeforeEach
    void helpers() throws Exception {
        bin = Files.createTempDirectory(Path.of("/tmp"), "ds-helpers-");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        write("docker-credential-whoami", "#!/bin/sh\ncat >/dev/null\n"
                + "printf '{\"Username\":\"uid%s\",\"Secret\":\"s\"}' \"$(id -u)\"\n");
        write("docker-credential-hangs", "#!/bin/sh\necho $$ > " + bin.resolve("hangs.pid") + "\nexec sleep 600\n");
    }

    @AfterEach
    void clean() {
        RealDocker.deleteTree(bin);
    }

    private void write(String name, String script) throws Exception {
        Path file = bin.resolve(name);
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void a_learners_helper_runs_as_the_learners_user_and_not_as_the_server() {
        var asServer = CredentialHelpers.onPath(bin.toString()).get("whoami", "localhost:5000");
        assertEquals("uid0", ((CredentialHelpers.Answer.Found) asServer).credentials().username(), "the test runs as root");

        var asLearner = CredentialHelpers.asUser(NOBODY, NOBODY, Path.of("/nonexistent"), bin.toString())
                .get("whoami", "localhost:5000");
        assertEquals("uid" + NOBODY, ((CredentialHelpers.Answer.Found) asLearner).credentials().username());
    }

    @Test
    void a_helper_that_hangs_is_given_up_on_at_the_deadline_and_killed() throws Exception {
        long began = System.nanoTime();
        var answer = CredentialHelpers.onPath(bin.toString()).get("hangs", "localhost:5000");
        long seconds = Duration.ofNanos(System.nanoTime() - began).toSeconds();
        assertInstanceOf(CredentialHelpers.Answer.Missing.class, answer);
        assertEquals("docker-credential-hangs did not answer within 5 s",
                ((CredentialHelpers.Answer.Missing) answer).why());
        assertTrue(seconds < 60, "returned after " + seconds + " s, not never");
        long pid = Long.parseLong(Files.readString(bin.resolve("hangs.pid")).strip());
        // A kill lands, and the JVM reaps the child, a moment after it is sent.
        org.awaitility.Awaitility.await("the helper was killed").atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void a_helper_that_is_not_installed_says_so() {
        var answer = CredentialHelpers.asUser(NOBODY, NOBODY, Path.of("/nonexistent")).get("pass", "localhost:5000");
        assertEquals("your docker config names the credential helper docker-credential-pass, which is not installed",
                ((CredentialHelpers.Answer.Missing) answer).why());
    }
}
