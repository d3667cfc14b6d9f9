package dev.dockstep.registry;

import dev.dockstep.harness.RealPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry's store on a real PostgreSQL server. */
class RegistryStorePostgresIT extends RegistryStoreContract {
    @RegisterExtension
    static final RealPostgres postgres = new RealPostgres();

    @Override
    String databaseUrl() {
        return postgres.jdbcUrl();
    }
}
