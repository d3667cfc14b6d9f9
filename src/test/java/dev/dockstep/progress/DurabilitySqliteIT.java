package dev.dockstep.progress;

/** The crash test on the default SQLite file. */
class DurabilitySqliteIT extends DurabilityContract {
    @Override
    String databaseUrl() {
        return null;
    }
}
