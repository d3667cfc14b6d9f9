package dev.dockstep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.db.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress store on a SQLite file: its contract, and what only a file can do. */
class ProgressStoreIT extends ProgressStoreContract {
    @TempDir
    Path dir;

    @Override
    String databaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("progress.db");
    }

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
    void a_database_that_cannot_be_created_is_one_line_naming_it() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("file"), "a file where a folder should be");
        Database.StoreException e = assertThrows(Database.StoreException.class,
                () -> ProgressStore.open("jdbc:sqlite:" + notAFolder.resolve("progress.db")));
        assertTrue(e.getMessage().startsWith("cannot prepare the database jdbc:sqlite:" + notAFolder),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
