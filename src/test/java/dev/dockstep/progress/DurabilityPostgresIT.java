package dev.dockstep.progress;

import dev.dockstep.harness.RealPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The crash test on a real PostgreSQL server. */
class DurabilityPostgresIT extends DurabilityContract {
    @RegisterExtension
    static final RealPostgres postgres = new RealPostgres();

    @Override
    String databaseUrl() {
        return postgres.jdbcUrl();
    }
}
