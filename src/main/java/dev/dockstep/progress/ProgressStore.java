package dev.dockstep.progress;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The one place that reads and writes progress. SQLite in WAL mode by default; the schema comes
 * from the Flyway migrations in {@code db/migration}, the same for every database.
 *
 * <p>SQLite allows one writer at a time, so this store keeps a single connection and serialises
 * its use; a write returns only after its transaction has committed.
 */
public final class ProgressStore implements AutoCloseable {
    private final String url;
    private final Connection connection;

    private ProgressStore(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /**
     * Opens the database at {@code jdbcUrl}, bringing its schema up to date.
     *
     * @throws StoreException with one line naming the database and what failed
     */
    public static ProgressStore open(String jdbcUrl) {
        try {
            Flyway.configure().dataSource(jdbcUrl, null, null).locations("classpath:db/migration")
                    .loggers("slf4j").load().migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot prepare the progress database " + jdbcUrl + ": " + firstLine(e), e);
        }
        try {
            Connection connection = DriverManager.getConnection(jdbcUrl);
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=FULL");
                    s.execute("PRAGMA busy_timeout=5000");
                }
            }
            return new ProgressStore(jdbcUrl, connection);
        } catch (SQLException e) {
            throw new StoreException("cannot open the progress database " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /** Records one check attempt and its outcome, in one transaction. */
    public synchronized void recordAttempt(String learner, String course, String lesson, String step,
                                           boolean passed, String verdictJson, long now) {
        try {
            connection.setAutoCommit(false);
            int attempts;
            try (PreparedStatement find = connection.prepareStatement(
                    "SELECT attempts FROM step_progress WHERE learner=? AND course=? AND lesson=? AND step=?")) {
                bind(find, learner, course, lesson, step);
                try (ResultSet rs = find.executeQuery()) {
                    attempts = rs.next() ? rs.getInt(1) : 0;
                }
            }
            int attempt = attempts + 1;
            if (attempts == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO step_progress (learner, course, lesson, step, status, attempts, first_attempt_at,"
                                + " passed_at, last_verdict) VALUES (?,?,?,?,?,?,?,?,?)")) {
                    bind(insert, learner, course, lesson, step);
                    insert.setString(5, (passed ? StepStatus.PASSED : StepStatus.ATTEMPTED).name());
                    insert.setInt(6, attempt);
                    insert.setLong(7, now);
                    insert.setObject(8, passed ? now : null, java.sql.Types.BIGINT);
                    insert.setString(9, verdictJson);
                    insert.executeUpdate();
                }
            } else {
                // A passed step stays passed; a later failing attempt is still recorded below.
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE step_progress SET attempts=?, last_verdict=?,"
                                + " status=CASE WHEN status='PASSED' OR ? THEN 'PASSED' ELSE 'ATTEMPTED' END,"
                                + " passed_at=CASE WHEN passed_at IS NULL AND ? THEN ? ELSE passed_at END"
                                + " WHERE learner=? AND course=? AND lesson=? AND step=?")) {
                    update.setInt(1, attempt);
                    update.setString(2, verdictJson);
                    update.setBoolean(3, passed);
                    update.setBoolean(4, passed);
                    update.setLong(5, now);
                    update.setString(6, learner);
                    update.setString(7, course);
                    update.setString(8, lesson);
                    update.setString(9, step);
                    update.executeUpdate();
                }
            }
            try (PreparedStatement log = connection.prepareStatement(
                    "INSERT INTO check_attempt (learner, course, lesson, step, attempt, at, passed, verdict)"
                            + " VALUES (?,?,?,?,?,?,?,?)")) {
                bind(log, learner, course, lesson, step);
                log.setInt(5, attempt);
                log.setLong(6, now);
                log.setBoolean(7, passed);
                log.setString(8, verdictJson);
                log.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            rollback();
            throw new StoreException("could not save progress to " + url + ": " + e.getMessage(), e);
        } finally {
            autoCommit();
        }
    }

    /** One learner's progress on every step they have attempted. */
    public synchronized List<StepProgress> progress(String learner) {
        List<StepProgress> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT course, lesson, step, status, attempts, first_attempt_at, passed_at, last_verdict"
                        + " FROM step_progress WHERE learner=? ORDER BY course, lesson, first_attempt_at")) {
            query.setString(1, learner);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    long passedAt = rs.getLong(7);
                    Long passed = rs.wasNull() ? null : passedAt;
                    rows.add(new StepProgress(rs.getString(1), rs.getString(2), rs.getString(3),
                            StepStatus.valueOf(rs.getString(4)), rs.getInt(5), rs.getLong(6), passed, rs.getString(8)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("could not read progress from " + url + ": " + e.getMessage(), e);
        }
    }

    /** When the learner passed a step, if they have. */
    public synchronized java.util.Optional<Long> passedAt(String learner, String course, String lesson, String step) {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT passed_at FROM step_progress WHERE learner=? AND course=? AND lesson=? AND step=?")) {
            bind(query, learner, course, lesson, step);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                long at = rs.getLong(1);
                return rs.wasNull() ? java.util.Optional.empty() : java.util.Optional.of(at);
            }
        } catch (SQLException e) {
            throw new StoreException("could not read progress from " + url + ": " + e.getMessage(), e);
        }
    }

    /** How many attempts were recorded for a step, across all learners. */
    public synchronized int attemptCount(String course, String lesson, String step) {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*) FROM check_attempt WHERE course=? AND lesson=? AND step=?")) {
            query.setString(1, course);
            query.setString(2, lesson);
            query.setString(3, step);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new StoreException("could not read progress from " + url + ": " + e.getMessage(), e);
        }
    }

    /** Succeeds when the database answers; used by {@code /healthz}. */
    public synchronized void ping() {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        } catch (SQLException e) {
            throw new StoreException("the progress database does not answer: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, String learner, String course, String lesson, String step)
            throws SQLException {
        statement.setString(1, learner);
        statement.setString(2, course);
        statement.setString(3, lesson);
        statement.setString(4, step);
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the failed write was already reported
        }
    }

    private void autoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // as above
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.strip().lines().findFirst().orElse(message);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing to release
        }
    }

    /** The progress database failed; the message says which and how. */
    public static final class StoreException extends RuntimeException {
        StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
