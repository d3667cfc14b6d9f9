package dev.dockstep.account;

/** The accounts contract on the default SQLite file. */
class AccountsSqliteIT extends AccountsContract {
    @Override
    String databaseUrl() {
        return null;
    }
}
