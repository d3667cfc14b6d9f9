package dev.dockstep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What every database must do for {@link ProgressStore}; run on SQLite and on PostgreSQL. */
abstract class ProgressStoreContract {
    private static final int THREADS = 16;
    private static final int EACH = 25;

    /** A JDBC URL for a database that this class's tests share. */
    abstract String databaseUrl();

    @Test
    void attempts_at_one_step_recorded_at_the_same_time_each_get_a_number_of_their_own() throws Exception {
        // A click and a live re-check of the same step race like this; on PostgreSQL a read
        // followed by a write let two of them claim one number, and one of them got a 500.
        String learner = "l" + UUID.randomUUID().toString().substring(0, 8);
        try (ProgressStore store = ProgressStore.open(databaseUrl())) {
            assertTrue(store.progress(learner).isEmpty(), "kept in memory from the start, so every write updates it");
            CyclicBarrier together = new CyclicBarrier(THREADS);
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            List<Future<List<Integer>>> numbers = new ArrayList<>();
            try {
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    numbers.add(threads.submit(() -> {
                        together.await();
                        List<Integer> mine = new ArrayList<>();
                        for (int i = 0; i < EACH; i++) {
                            boolean passes = thread == 3 && i == EACH / 2;
                            mine.add(store.recordAttempt(learner, "hub", "tag", "tag-it", passes,
                                    "{\"thread\":" + thread + ",\"i\":" + i + "}", 1_000 + i));
                        }
                        return mine;
                    }));
                }
                List<Integer> all = new ArrayList<>();
                for (Future<List<Integer>> each : numbers) {
                    all.addAll(each.get());
                }
                all.sort(null);
                assertEquals(IntStream.rangeClosed(1, THREADS * EACH).boxed().toList(), all,
                        "every attempt got its own number, with none left out");
            } finally {
                threads.shutdownNow();
            }
            StepProgress kept = store.progress(learner).get(0);
            assertEquals(THREADS * EACH, kept.attempts());
            assertEquals(StepStatus.PASSED, kept.status(), "one attempt passed, and a pass is kept");
            assertEquals(1_000 + EACH / 2, kept.passedAt());
            assertEquals(THREADS * EACH, IntStream.rangeClosed(1, THREADS * EACH)
                    .filter(n -> store.hasAttempt(learner, "hub", "tag", "tag-it", n)).count());
            try (ProgressStore fresh = ProgressStore.open(databaseUrl())) {
                assertEquals(fresh.progress(learner), store.progress(learner),
                        "what memory holds is what the database holds");
            }
        }
    }

    @Test
    void the_kept_copy_of_a_learners_progress_matches_the_database_after_concurrent_writes() throws Exception {
        String learner = "l" + UUID.randomUUID().toString().substring(0, 8);
        List<String> steps = List.of("a-step", "b-step", "c-step");
        try (ProgressStore store = ProgressStore.open(databaseUrl())) {
            store.recordAttempt(learner, "hub", "tag", "b-step", false, "{}", 1);
            assertEquals(1, store.progress(learner).size(), "now kept in memory");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                writes.add(pool.submit(() -> store.recordAttempt(learner, "hub", "tag", steps.get(n % 3), n % 7 == 3,
                        "{\"n\":" + n + "}", 10 + n)));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            pool.shutdown();
            List<StepProgress> kept = store.progress(learner);
            try (ProgressStore fresh = ProgressStore.open(databaseUrl())) {
                assertEquals(fresh.progress(learner), kept, "what memory holds is what the database holds");
            }
            assertEquals(201, kept.stream().mapToInt(StepProgress::attempts).sum());
            assertTrue(kept.stream().allMatch(p -> p.status() == StepStatus.PASSED), kept.toString());
        }
    }

    @Test
    void a_live_pass_passes_the_step_without_counting_an_attempt() {
        String learner = "l" + UUID.randomUUID().toString().substring(0, 8);
        try (ProgressStore store = ProgressStore.open(databaseUrl())) {
            assertTrue(store.progress(learner).isEmpty());
            // Passed live before any click: a pass, and no attempt at all.
            store.recordLivePass(learner, "hub", "tag", learner, "{\"live\":true}", 100);
            StepProgress live = store.progress(learner).get(0);
            assertEquals(StepStatus.PASSED, live.status());
            assertEquals(0, live.attempts());
            assertEquals(100L, live.passedAt());
            assertEquals(0, store.attemptCount("hub", "tag", learner), "no attempt was logged");

            // Tried twice, then passed live: still two attempts, and the pass keeps its first time.
            store.recordAttempt(learner, "hub", "tag", "push-it", false, "{\"n\":1}", 200);
            store.recordAttempt(learner, "hub", "tag", "push-it", false, "{\"n\":2}", 210);
            store.recordLivePass(learner, "hub", "tag", "push-it", "{\"live\":true}", 220);
            store.recordLivePass(learner, "hub", "tag", "push-it", "{\"again\":true}", 230);
            StepProgress tried = store.progress(learner).stream().filter(p -> p.step().equals("push-it")).findFirst()
                    .orElseThrow();
            assertEquals(2, tried.attempts());
            assertEquals(StepStatus.PASSED, tried.status());
            assertEquals(220L, tried.passedAt());
            assertEquals("{\"live\":true}", tried.lastVerdict(), "a second live pass changes nothing");
            try (ProgressStore fresh = ProgressStore.open(databaseUrl())) {
                assertEquals(fresh.progress(learner), store.progress(learner), "memory holds what the database holds");
            }
            assertTrue(store.hasAttempt(learner, "hub", "tag", "push-it", 2));
            assertTrue(!store.hasAttempt(learner, "hub", "tag", "push-it", 3), "the live pass logged no attempt");
        }
    }

    @Test
    void the_last_attempts_say_when_each_step_was_last_tried_and_why_it_last_failed() {
        String learner = "l" + UUID.randomUUID().toString().substring(0, 8);
        try (ProgressStore store = ProgressStore.open(databaseUrl())) {
            store.recordAttempt(learner, "hub", "tag", "tag-it", false, "{\"why\":\"first\"}", 100);
            store.recordAttempt(learner, "hub", "tag", "tag-it", false, "{\"why\":\"second\"}", 150);
            store.recordAttempt(learner, "hub", "tag", "tag-it", true, "{\"why\":\"passed\"}", 170);
            store.recordAttempt(learner, "hub", "tag", "push-it", true, "{}", 300);
            List<ProgressStore.LastAttempt> mine = store.lastAttempts().stream()
                    .filter(a -> a.learner().equals(learner)).sorted(java.util.Comparator.comparing(
                            ProgressStore.LastAttempt::step)).toList();
            assertEquals(List.of(new ProgressStore.LastAttempt(learner, "hub", "tag", "push-it", 300, null),
                    new ProgressStore.LastAttempt(learner, "hub", "tag", "tag-it", 170, "{\"why\":\"second\"}")), mine);
        }
    }
}
