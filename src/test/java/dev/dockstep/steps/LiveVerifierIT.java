package dev.dockstep.steps;

import dev.dockstep.check.CredentialHelpers;
import dev.dockstep.check.RegistryRefusals;
import dev.dockstep.check.Daemons;
import dev.dockstep.check.RegistryClient;
import dev.dockstep.check.Verifier;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.account.Learner;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LessonLoader;
import dev.dockstep.lesson.Variables;
import dev.dockstep.progress.ProgressStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live verification with a daemon per learner: only learners with a page open are followed, and
 * one learner's events check only that learner's steps again.
 */
class LiveVerifierIT {
    @RegisterExtension
    static final RealDocker aliceDocker = new RealDocker();
    @RegisterExtension
    static final RealDocker bobDocker = new RealDocker();

    private static final Learner ALICE = new Learner("alice", Learner.Role.LEARNER);
    private static final Learner BOB = new Learner("bob", Learner.Role.LEARNER);
    private static final String REGISTRY = "localhost:5999";

    @TempDir
    Path dir;
    private ProgressStore store;
    private Daemons daemons;
    private LiveVerifier live;
    private final List<String> passed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        aliceDocker.image("backend:0.1");
        bobDocker.image("backend:0.1");
        Map<String, RealDocker> dockers = Map.of("alice", aliceDocker, "bob", bobDocker);
        store = ProgressStore.open("jdbc:sqlite:" + dir.resolve("progress.db"));
        daemons = new Daemons(Duration.ofSeconds(5));
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(Path.of("src/test/resources/fixtures/lessons"));
        StepChecker checker = new StepChecker(new Verifier(Duration.ofSeconds(5), 4),
                new RegistryClient(host -> Optional.empty(), Duration.ofSeconds(5)),
                learner -> new StepChecker.Target(daemons.of(dockers.get(learner.name()).dockerHost()).facts(),
                        dockers.get(learner.name()).dockerConfig(), CredentialHelpers.onPath("/usr/bin"),
                        RegistryRefusals.NONE),
                store, Clock.systemUTC(), learner -> Variables.forRegistry(learner.name(), REGISTRY),
                new OpenSteps(store, () -> catalog));
        live = new LiveVerifier(daemons, new LiveVerifier.Sandboxes() {
            @Override
            public CompletableFuture<LiveVerifier.Watched> prepare(String learner) {
                RealDocker docker = dockers.get(learner);
                return CompletableFuture.completedFuture(new LiveVerifier.Watched(docker.dockerHost(),
                        docker.dockerConfig()));
            }

            @Override
            public AutoCloseable hold(String learner) {
                return () -> { };
            }
        }, () -> catalog, checker);
        live.start((learner, course, lesson, step) -> passed.add(learner.name() + " " + step));
    }

    @AfterEach
    void stop() {
        live.close();
        daemons.close();
        store.close();
    }

    @Test
    void only_learners_with_a_page_open_are_followed_and_an_event_checks_only_its_learners_steps() {
        LiveVerifier.OpenLesson alicePage = new LiveVerifier.OpenLesson(ALICE, "hub", "tag");
        LiveVerifier.OpenLesson bobPage = new LiveVerifier.OpenLesson(BOB, "hub", "tag");
        assertEquals(hosts(), live.followedDaemons(), "nobody has a page open");
        live.opened(alicePage);
        live.opened(bobPage);
        await().atMost(Duration.ofSeconds(10)).until(() -> daemons.of(aliceDocker.dockerHost()).images().isFollowed()
                && daemons.of(bobDocker.dockerHost()).images().isFollowed());
        // Settle the checks that opening the pages started.
        await().atMost(Duration.ofSeconds(10)).until(() -> live.rechecks("alice") >= 1 && live.rechecks("bob") >= 1);
        long bobBefore = live.rechecks("bob");

        aliceDocker.docker("tag", "backend:0.1", REGISTRY + "/alice/backend:0.1").requireSuccess();
        await().atMost(Duration.ofSeconds(10)).until(() -> passed.contains("alice tag-the-image"));
        assertEquals(bobBefore, live.rechecks("bob"), "alice's tag checked bob's steps again");
        assertEquals(List.of("alice tag-the-image"), passed);

        live.closed(alicePage);
        assertEquals(hosts(bobDocker.dockerHost()), live.followedDaemons(), "alice's daemon is no longer followed");
        live.closed(bobPage);
        assertTrue(live.followedDaemons().isEmpty());
        assertTrue(live.watchedLearners().isEmpty());
    }

    private static java.util.Set<String> hosts(String... hosts) {
        return java.util.Set.of(hosts);
    }
}
