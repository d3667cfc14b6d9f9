package dev.dockstep.account;

import dev.dockstep.harness.RealPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The accounts contract on a real PostgreSQL server. */
class AccountsPostgresIT extends AccountsContract {
    @RegisterExtension
    static final RealPostgres postgres = new RealPostgres();

    @Override
    String databaseUrl() {
        return postgres.jdbcUrl();
    }
}
