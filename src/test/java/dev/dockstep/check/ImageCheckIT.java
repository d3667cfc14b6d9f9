package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import dev.dockstep.lesson.Check;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImageCheckIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();

    private static DockerFacts facts;
    private static CheckContext context;
    private final Verifier verifier = new Verifier(Duration.ofSeconds(5), 4);

    @BeforeAll
    static void images() {
        docker.image("backend:0.1");
        facts = new DockerFacts(docker.dockerHost(), Duration.ofSeconds(5));
        context = context(facts);
    }

    @AfterAll
    static void close() {
        facts.close();
    }

    @Test
    void image_check_fails_until_the_tag_exists_then_passes() {
        String ref = docker.registryAddress() + "/learner/web:0.1";
        Verdict before = decide("image " + ref);
        assertInstanceOf(Verdict.Failed.class, before);
        assertEquals("`" + ref + "` is not among your images; no image is named `web`.", before.reason());
        assertTrue(before.hint().contains("docker tag SOURCE " + ref), before.hint());

        docker.docker("tag", "backend:0.1", ref).requireSuccess();

        Verdict after = decide("image " + ref);
        assertInstanceOf(Verdict.Passed.class, after);
        assertTrue(after.reason().startsWith("`" + ref + "` is among your images (ID "), after.reason());
    }

    @Test
    void a_typo_in_the_name_shows_the_images_of_that_name_the_learner_does_have() {
        Verdict verdict = decide("image " + docker.registryAddress() + "/learner/backend:0.2");
        assertInstanceOf(Verdict.Failed.class, verdict);
        assertTrue(verdict.reason().endsWith("images named `backend`: `backend:0.1`."), verdict.reason());
    }

    @Test
    void an_uppercase_reference_is_a_verdict_not_an_api_call() {
        Verdict verdict = decide("image Backend:0.1");
        assertInstanceOf(Verdict.Failed.class, verdict);
        assertEquals("This check cannot be made: 'Backend:0.1' has uppercase letters; repository names must be"
                + " lowercase.", verdict.reason());
    }

    @Test
    void variables_are_replaced_before_the_check_is_made() {
        StepVerdict verdict = verifier.verify(List.of(new Check("image", List.of("{{image}}"), 1)),
                arg -> arg.replace("{{image}}", "backend:0.1"), context);
        assertTrue(verdict.passed());
        assertEquals("image backend:0.1", verdict.results().get(0).check());
    }

    @Test
    void an_unreachable_daemon_is_an_unavailable_verdict_naming_where_it_looked() {
        try (DockerFacts nowhere = new DockerFacts("unix:///tmp/no-such-docker.sock", Duration.ofSeconds(2))) {
            StepVerdict verdict = verifier.verify(List.of(new Check("image", List.of("backend:0.1"), 1)),
                    Function.identity(), context(nowhere));
            assertFalse(verdict.passed());
            Verdict only = verdict.results().get(0).verdict();
            assertInstanceOf(Verdict.Unavailable.class, only);
            assertTrue(only.reason().startsWith("Docker is not reachable at unix:///tmp/no-such-docker.sock"),
                    only.reason());
        }
    }

    @Test
    void the_facade_refuses_every_mutating_request_and_the_image_survives() {
        // The connection every check asks through, not a copy of it.
        try (DockerRequests requests = new DockerRequests(docker.dockerHost(), Duration.ofSeconds(5))) {
            var client = requests.client();
            assertThrows(ReadOnlyHttpClient.ReadOnlyViolation.class,
                    () -> client.tagImageCmd("backend:0.1", "sneaky", "1").exec());
            assertThrows(ReadOnlyHttpClient.ReadOnlyViolation.class,
                    () -> client.removeImageCmd("backend:0.1").withForce(true).exec());
        }
        assertTrue(docker.docker("image", "inspect", "backend:0.1").exitCode() == 0, "backend:0.1 was removed");
        assertTrue(docker.docker("image", "inspect", "sneaky:1").exitCode() != 0, "sneaky:1 was created");
    }

    private Verdict decide(String line) {
        String[] words = line.split(" ");
        StepVerdict verdict = verifier.verify(List.of(new Check(words[0], List.of(words).subList(1, words.length), 1)),
                Function.identity(), context);
        return verdict.results().get(0).verdict();
    }

    private static CheckContext context(DockerFacts facts) {
        return new CheckContext(facts, new RegistryClient(host -> java.util.Optional.empty(), Duration.ofSeconds(5)),
                docker.dockerConfig(), java.time.Instant.EPOCH);
    }
}
