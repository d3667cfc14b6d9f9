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
}
