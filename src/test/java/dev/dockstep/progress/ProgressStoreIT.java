package dev.dockstep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressStoreIT {
    @TempDir
    Path dir;

    @Test
    void attempts_are_counted_and_a_pass_is_kept_across_a_reopen_of_the_sqlite_file() {
        String url = "jdbc:sqlite:" + dir.resolve("progress.db");
        try (ProgressStore store = ProgressStore.open(url)) {
            store.recordAttempt("alice", "hub", "tag", "tag-it", false, "{\"passed\":false}", 1_000);
            StepProgress first = store.progress("alice").get(0);
            assertEquals(StepStatus.ATTEMPTED, first.status());
            assertNull(first.passedAt());
            store.recordAttempt("alice", "hub", "tag", "tag-it", true, "{\"passed\":true}", 2_000);
            store.recordAttempt("alice", "hub", "tag", "tag-it", false, "{\"passed\":false,\"again\":1}", 3_000);
        }
        try (ProgressStore store = ProgressStore.open(url)) {
            List<StepProgress> rows = store.progress("alice");
            assertEquals(1, rows.size());
            StepProgress row = rows.get(0);
            assertEquals(StepStatus.PASSED, row.status(), "a later failure does not undo a pass");
            assertEquals(3, row.attempts());
            assertEquals(1_000, row.firstAttemptAt());
            assertEquals(2_000L, row.passedAt());
            assertEquals("{\"passed\":false,\"again\":1}", row.lastVerdict());
            assertEquals(3, store.attemptCount("hub", "tag", "tag-it"));
            assertTrue(store.progress("bob").isEmpty(), "one learner's rows are not another's");
        }
        assertTrue(Files.exists(dir.resolve("progress.db")));
    }

    @Test
    void the_kept_copy_of_a_learners_progress_matches_the_database_after_concurrent_writes() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("progress.db");
        List<String> steps = List.of("a-step", "b-step", "c-step");
        try (ProgressStore store = ProgressStore.open(url)) {
            store.recordAttempt("alice", "hub", "tag", "b-step", false, "{}", 1);
            assertEquals(1, store.progress("alice").size(), "now kept in memory");
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<?>> writes = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                writes.add(pool.submit(() -> store.recordAttempt("alice", "hub", "tag", steps.get(n % 3), n % 7 == 3,
                        "{\"n\":" + n + "}", 10 + n)));
            }
            for (var write : writes) {
                write.get();
            }
            pool.shutdown();
            List<StepProgress> kept = store.progress("alice");
            try (ProgressStore fresh = ProgressStore.open(url)) {
                assertEquals(fresh.progress("alice"), kept, "what memory holds is what the database holds");
            }
            assertEquals(201, kept.stream().mapToInt(StepProgress::attempts).sum());
            assertTrue(kept.stream().allMatch(p -> p.status() == StepStatus.PASSED), kept.toString());
        }
    }

    @Test
    void a_database_that_cannot_be_created_is_one_line_naming_it() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("file"), "a file where a folder should be");
        Database.StoreException e = assertThrows(Database.StoreException.class,
                () -> ProgressStore.open("jdbc:sqlite:" + notAFolder.resolve("progress.db")));
        assertTrue(e.getMessage().startsWith("cannot prepare the database jdbc:sqlite:" + notAFolder),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
