package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import dev.dockstep.lesson.Check;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Image checks answered from memory kept by the daemon's real event stream: free while nothing
 * changes, current after a change, and never failing a learner on memory alone.
 */
class ImageIndexIT {
    @RegisterExtension
    static final RealDocker docker = new RealDocker();

    private final ImageIndex index = new ImageIndex();
    private final DockerFacts facts = new DockerFacts(docker.dockerHost(), Duration.ofSeconds(5), index);
    private final DockerEvents events = new DockerEvents(docker.dockerHost());
    private final Verifier verifier = new Verifier(Duration.ofSeconds(5), 4);
    private Thread follower;

    @BeforeAll
    static void image() {
        docker.image("backend:0.1");
    }

    @AfterEach
    void close() throws InterruptedException {
        events.close();
        if (follower != null) {
            follower.join(5000);
        }
        facts.close();
    }

    @Test
    void while_the_stream_is_followed_a_repeated_check_asks_docker_nothing_and_a_change_is_seen() throws Exception {
        follow();
        Verdict missing = decide("image", "indexed:1");
        assertInstanceOf(Verdict.Failed.class, missing);
        assertTrue(missing.reason().startsWith("`indexed:1` is not among your images; no image is named `indexed`"),
                missing.reason());

        long seen = index.changes();
        docker.docker("tag", "backend:0.1", "indexed:1").requireSuccess();
        awaitChange(seen);
        long before = facts.requests();
        assertInstanceOf(Verdict.Passed.class, decide("image", "indexed:1"));
        assertEquals(1, facts.requests() - before, "after the tag event, one listing brings memory up to date");
        before = facts.requests();
        assertInstanceOf(Verdict.Passed.class, decide("image", "indexed:1"));
        assertInstanceOf(Verdict.Passed.class, decide("same-image", "backend:0.1", "indexed:1"));
        assertInstanceOf(Verdict.Passed.class, decide("no-image", "indexed:2"));
        assertEquals(0, facts.requests() - before, "nothing changed, so nothing was asked");
        before = facts.requests();
        Verdict typo = decide("image", "indexd:1");
        assertEquals("`indexd:1` is not among your images; no image is named `indexd`.", typo.reason());
        assertEquals(1, facts.requests() - before, "a failure asks the daemon's event log once, then memory decides");

        seen = index.changes();
        docker.docker("rmi", "indexed:1").requireSuccess();
        awaitChange(seen);
        assertInstanceOf(Verdict.Passed.class, decide("no-image", "indexed:1"));
        Verdict gone = decide("image", "indexed:1");
        assertEquals("`indexed:1` is not among your images; no image is named `indexed`.", gone.reason());
    }

    @Test
    void a_failure_from_memory_is_confirmed_by_asking_docker() throws Exception {
        // Memory that missed an event (as if it were still on its way): the tag below is not told.
        index.followed(Instant.now());
        assertInstanceOf(Verdict.Failed.class, decide("image", "unseen:1"));
        docker.docker("tag", "backend:0.1", "unseen:1").requireSuccess();
        long before = facts.requests();
        Verdict verdict = decide("image", "unseen:1");
        assertInstanceOf(Verdict.Passed.class, verdict, verdict.reason());
        assertTrue(facts.requests() > before, "memory said no, so the daemon's event log was asked");
        docker.docker("rmi", "unseen:1").requireSuccess();
    }

    @Test
    void without_the_stream_every_check_asks_docker() throws Exception {
        index.followed(Instant.now());
        index.lost();
        docker.docker("tag", "backend:0.1", "direct:1").requireSuccess();
        long before = facts.requests();
        assertInstanceOf(Verdict.Passed.class, decide("image", "direct:1"));
        assertInstanceOf(Verdict.Passed.class, decide("image", "direct:1"));
        assertEquals(2, facts.requests() - before, "one inspect per check");
        docker.docker("rmi", "direct:1").requireSuccess();
    }

    private void follow() throws InterruptedException {
        follower = new Thread(() -> {
            try {
                Instant since = Instant.now();
                events.followImageEvents(since, () -> index.followed(since),
                        event -> index.changed(Instant.ofEpochSecond(0, event.getTimeNano())));
            } catch (DockerUnavailable e) {
                // closed at the end of the test
            } finally {
                index.lost();
            }
        }, "test-events");
        follower.setDaemon(true);
        follower.start();
        await(() -> index.isFollowed() ? 1 : 0, 0);
    }

    private void awaitChange(long seen) throws InterruptedException {
        await(index::changes, seen);
    }

    private static void await(LongSupplier value, long above) {
        org.awaitility.Awaitility.await("the event stream to deliver").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5)).until(() -> value.getAsLong() > above);
    }

    private Verdict decide(String kind, String... args) throws java.io.IOException {
        return verifier.verify(List.of(new Check(kind, List.of(args), 1)), Function.identity(),
                new CheckContext(facts, new RegistryClient(host -> Optional.empty(), Duration.ofSeconds(5)),
                        docker.folder("config"), Instant.EPOCH)).results().get(0).verdict();
    }
}
