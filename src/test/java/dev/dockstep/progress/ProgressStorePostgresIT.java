package dev.dockstep.progress;

import dev.dockstep.harness.RealPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The progress store's contract on a real PostgreSQL server, where writes really run side by side. */
class ProgressStorePostgresIT extends ProgressStoreContract {
    @RegisterExtension
    static final RealPostgres postgres = new RealPostgres();

    @Override
    String databaseUrl() {
        return postgres.jdbcUrl();
    }
}
