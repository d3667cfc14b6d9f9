package dev.dockstep.registry;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry's store on a SQLite file. */
class RegistryStoreSqliteIT extends RegistryStoreContract {
    @TempDir
    static Path dir;

    @Override
    String databaseUrl() {
        return "jdbc:sqlite:" + dir.resolve("progress.db");
    }
}
