package dev.dockstep.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void the_latest_migration_constant_names_the_newest_migration_file() throws Exception {
        // Start-up skips Flyway when the history holds LATEST_MIGRATION; a new file must move it.
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertEquals(Integer.toString(newest), Database.LATEST_MIGRATION);
        }
    }

    @Test
    void a_new_file_gets_every_migration_and_a_reopen_finds_it_current() {
        String url = "jdbc:sqlite:" + dir.resolve("p.db");
        try (Database db = Database.open(url)) {
            db.ping();
        }
        try (Database db = Database.open(url)) {
            int tables = db.read(c -> {
                try (var rs = c.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name IN"
                                + " ('step_progress','check_attempt','learner','web_session')")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertEquals(4, tables);
        }
        assertTrue(Files.exists(dir.resolve("p.db")));
    }
}
