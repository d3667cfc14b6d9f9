package dev.dockstep.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dockstep.files.PrivateFiles;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The one database dockstep keeps: a SQLite file (WAL, one writer, so one connection behind a
 * lock) or a PostgreSQL server (a connection pool). Both get their schema from the same Flyway
 * migrations in {@code db/migration}. Every write is a transaction that has committed when
 * {@link #transaction} returns.
 */
public final class Database implements AutoCloseable {
    /** Work done with a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String description;
    private final Connection sqlite;
    private final ReentrantLock sqliteLock = new ReentrantLock();
    private final HikariDataSource pool;
    private final GroupCommit writes;

    private Database(String description, Connection sqlite, Connection sqliteWriter, HikariDataSource pool) {
        this.description = description;
        this.sqlite = sqlite;
        this.pool = pool;
        this.writes = sqliteWriter == null ? null : new GroupCommit(sqliteWriter, description);
    }

    /**
     * Opens the database at {@code jdbcUrl} and brings its schema up to date.
     *
     * @throws StoreException with one line naming the database (never its password)
     */
    public static Database open(String jdbcUrl) {
        String description = describe(jdbcUrl);
        if (!jdbcUrl.startsWith("jdbc:sqlite:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new StoreException("the database " + description + " is neither SQLite (jdbc:sqlite:FILE) nor"
                    + " PostgreSQL (jdbc:postgresql://HOST/DB)", null);
        }
        sqliteFile(jdbcUrl).ifPresent(Database::keepPrivate);
        try {
            if (!isCurrent(jdbcUrl)) {
                Flyway.configure().dataSource(jdbcUrl, null, null).locations("classpath:db/migration")
                        .loggers("slf4j").load().migrate();
            }
        } catch (FlywayException e) {
            throw new StoreException("cannot prepare the database " + description + ": " + firstLine(e), e);
        }
        try {
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                // WAL lets the reading connection go on while the writing one commits.
                Database db = new Database(description, sqliteConnection(jdbcUrl), sqliteConnection(jdbcUrl), null);
                sqliteFile(jdbcUrl).ifPresent(Database::keepPrivate);
                return db;
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl);
            config.setMaximumPoolSize(8);
            config.setPoolName("dockstep");
            config.setAutoCommit(true);
            return new Database(description, null, null, new HikariDataSource(config));
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot open the database " + description + ": " + firstLine(e), e);
        }
    }

    /** The file of a SQLite URL that names a plain file. */
    private static java.util.Optional<java.nio.file.Path> sqliteFile(String jdbcUrl) {
        String file = jdbcUrl.startsWith("jdbc:sqlite:") ? jdbcUrl.substring("jdbc:sqlite:".length()) : "";
        return file.isEmpty() || file.contains("?") || file.startsWith(":") || file.startsWith("file:")
                ? java.util.Optional.empty() : java.util.Optional.of(java.nio.file.Path.of(file));
    }

    /**
     * The database and its WAL files hold every password hash and session: readable by dockstep
     * only. SQLite gives the WAL files the database's own mode, so the file is made private
     * before SQLite first opens it; WAL files left by an older version are made private too.
     */
    private static void keepPrivate(java.nio.file.Path file) {
        try {
            if (java.nio.file.Files.isDirectory(file.toAbsolutePath().getParent())) {
                PrivateFiles.file(file);
            }
            for (String suffix : new String[] {"-wal", "-shm"}) {
                java.nio.file.Path wal = file.resolveSibling(file.getFileName() + suffix);
                if (java.nio.file.Files.exists(wal)) {
                    PrivateFiles.restrict(wal);
                }
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot make the database " + file + " private: " + e.getMessage(), e);
        }
    }

    /** The newest migration in {@code db/migration}; DatabaseTest keeps the two in step. */
    static final String LATEST_MIGRATION = "4";

    /**
     * True when the schema history already records {@link #LATEST_MIGRATION} as applied. Flyway's
     * own check of an up-to-date database costs half a second of start-up, so it only runs when
     * there is something to do.
     */
    private static boolean isCurrent(String jdbcUrl) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             Statement s = connection.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success = "
                     + (jdbcUrl.startsWith("jdbc:sqlite:") ? "1" : "true") + " AND version IS NOT NULL")) {
            int newest = 0;
            while (rs.next()) {
                newest = Math.max(newest, Integer.parseInt(rs.getString(1).split("\\.")[0]));
            }
            return newest == Integer.parseInt(LATEST_MIGRATION);
        } catch (SQLException | NumberFormatException e) {
            return false;
        }
    }

    private static Connection sqliteConnection(String jdbcUrl) throws SQLException {
        Connection connection = DriverManager.getConnection(jdbcUrl);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            // FULL: a commit is on disk before we answer, so a crash loses no acknowledged write.
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=5000");
        }
        return connection;
    }

    /** Runs {@code work} in one transaction; it has committed when this returns. */
    public <T> T transaction(Work<T> work) {
        if (writes != null) {
            return writes.submit(work);
        }
        return withConnection(connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    /** Runs a read. */
    public <T> T read(Work<T> work) {
        return withConnection(work);
    }

    private <T> T withConnection(Work<T> work) {
        try {
            if (sqlite != null) {
                sqliteLock.lock();
                try {
                    return work.run(sqlite);
                } finally {
                    sqliteLock.unlock();
                }
            }
            try (Connection connection = pool.getConnection()) {
                return work.run(connection);
            }
        } catch (SQLException e) {
            throw new StoreException("the database " + description + " failed: " + firstLine(e), e);
        }
    }

    /**
     * Succeeds when the database commits a write, as every check must: one that answers reads
     * but is read-only, or whose disk is full, fails here.
     */
    public void ping() {
        transaction(connection -> {
            try (java.sql.PreparedStatement update = connection.prepareStatement(
                    "UPDATE health_probe SET written_at=? WHERE id=1")) {
                update.setLong(1, System.currentTimeMillis());
                update.executeUpdate();
            }
            return null;
        });
    }

    static String describe(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        String bare = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        return bare.replaceFirst("//[^/@]*@", "//");
    }

    private static String firstLine(Throwable e) {
        return dev.dockstep.common.Messages.firstLine(e);
    }

    @Override
    public void close() {
        if (writes != null) {
            writes.close();
        }
        if (sqlite != null) {
            sqliteLock.lock();
            try {
                sqlite.close();
            } catch (SQLException ignored) {
                // nothing to release
            } finally {
                sqliteLock.unlock();
            }
        }
        if (pool != null) {
            pool.close();
        }
    }

    /** The database failed; the message says which (without credentials) and how. */
    public static final class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
