package dev.dockstep.progress;

import dev.dockstep.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one place that reads and writes progress. A write returns only once its transaction has
 * committed, so anything acknowledged to a learner survives a crash.
 *
 * <p>Tables (see {@code db/migration}): {@code step_progress}, one row per learner and step
 * (status, attempts, first attempt, passed at, last verdict); {@code check_attempt}, one row per
 * attempt, numbered per learner and step.
 */
public final class ProgressStore implements AutoCloseable {
    private final Database db;
    private final boolean owns;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /**
     * Each learner's rows, read once and then kept up to date by each write after it commits.
     * Every write goes through this store and one server owns a data folder, so the copy cannot
     * go stale. (Several servers on one PostgreSQL database would need to share the updates.)
     */
    private final java.util.Map<String, List<StepProgress>> byLearner = new java.util.concurrent.ConcurrentHashMap<>();
    /** A number that changes whenever a learner's progress does, for caches of pages built from it. */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> versions =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A store on a database that the caller owns and closes. */
    public ProgressStore(Database db) {
        this(db, false);
    }

    private ProgressStore(Database db, boolean owns) {
        this.db = db;
        this.owns = owns;
    }

    /** Opens a store on a database of its own at {@code jdbcUrl}; closing the store closes it. */
    public static ProgressStore open(String jdbcUrl) {
        return new ProgressStore(Database.open(jdbcUrl), true);
    }

    /** Runs {@code listener} after every recorded attempt. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Records one check attempt and its outcome, in one transaction.
     *
     * <p>The attempt's number is decided by the database, in one statement that inserts the
     * step's row or updates it: a click and a live re-check of the same step may record at the
     * same moment, and a read followed by a write would let both claim the same number.
     *
     * @return the attempt's number for this learner and step, starting at 1
     */
    public int recordAttempt(String learner, String course, String lesson, String step, boolean passed,
                             String verdictJson, long now) {
        StepProgress written = db.transaction(connection -> {
            StepProgress after;
            // A passed step stays passed; a later failing attempt is still recorded below.
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO step_progress AS p (learner, course, lesson, step, status, attempts, first_attempt_at,"
                            + " passed_at, last_verdict) VALUES (?,?,?,?,?,1,?,?,?)"
                            + " ON CONFLICT (learner, course, lesson, step) DO UPDATE SET"
                            + " attempts = p.attempts + 1,"
                            + " status = CASE WHEN p.status = 'PASSED' THEN 'PASSED' ELSE excluded.status END,"
                            + " passed_at = COALESCE(p.passed_at, excluded.passed_at),"
                            + " last_verdict = excluded.last_verdict"
                            + " RETURNING status, attempts, first_attempt_at, passed_at")) {
                bind(upsert, learner, course, lesson, step);
                upsert.setString(5, (passed ? StepStatus.PASSED : StepStatus.ATTEMPTED).name());
                upsert.setLong(6, now);
                upsert.setObject(7, passed ? Long.valueOf(now) : null, java.sql.Types.BIGINT);
                upsert.setString(8, verdictJson);
                try (ResultSet rs = upsert.executeQuery()) {
                    rs.next();
                    long passedAt = rs.getLong(4);
                    Long passedAtOrNull = rs.wasNull() ? null : passedAt;
                    after = new StepProgress(course, lesson, step, StepStatus.valueOf(rs.getString(1)), rs.getInt(2),
                            rs.getLong(3), passedAtOrNull, verdictJson);
                }
            }
            try (PreparedStatement log = connection.prepareStatement(
                    "INSERT INTO check_attempt (learner, course, lesson, step, attempt, at, passed, verdict)"
                            + " VALUES (?,?,?,?,?,?,?,?)")) {
                bind(log, learner, course, lesson, step);
                log.setInt(5, after.attempts());
                log.setLong(6, now);
                log.setBoolean(7, passed);
                log.setString(8, verdictJson);
                log.executeUpdate();
            }
            return after;
        });
        // Committed: bring the kept copy up to date. Writes of one learner may finish in any
        // order; attempts only grow, so the row with more attempts is the newer.
        byLearner.computeIfPresent(learner, (name, rows) -> withRow(rows, written));
        versions.computeIfAbsent(learner, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        listeners.forEach(Runnable::run);
        return written.attempts();
    }

    /**
     * Records that a step passed live, on a Docker event, with no click: the step passes, but the
     * learner made no attempt, so none is counted or logged. A step passed live before any
     * attempt has a row with 0 attempts, whose first attempt time is when it passed.
     */
    public void recordLivePass(String learner, String course, String lesson, String step, String verdictJson,
                               long now) {
        StepProgress written = db.transaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO step_progress AS p (learner, course, lesson, step, status, attempts, first_attempt_at,"
                            + " passed_at, last_verdict) VALUES (?,?,?,?,?,0,?,?,?)"
                            + " ON CONFLICT (learner, course, lesson, step) DO UPDATE SET"
                            + " status = excluded.status,"
                            + " passed_at = COALESCE(p.passed_at, excluded.passed_at),"
                            + " last_verdict = CASE WHEN p.status = 'PASSED' THEN p.last_verdict"
                            + " ELSE excluded.last_verdict END"
                            + " RETURNING status, attempts, first_attempt_at, passed_at, last_verdict")) {
                bind(upsert, learner, course, lesson, step);
                upsert.setString(5, StepStatus.PASSED.name());
                upsert.setLong(6, now);
                upsert.setLong(7, now);
                upsert.setString(8, verdictJson);
                try (ResultSet rs = upsert.executeQuery()) {
                    rs.next();
                    return new StepProgress(course, lesson, step, StepStatus.valueOf(rs.getString(1)), rs.getInt(2),
                            rs.getLong(3), rs.getLong(4), rs.getString(5));
                }
            }
        });
        byLearner.computeIfPresent(learner, (name, rows) -> withRow(rows, written));
        versions.computeIfAbsent(learner, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        listeners.forEach(Runnable::run);
    }

    /** {@code rows} with {@code row} merged into its step's row; in query order. */
    private static List<StepProgress> withRow(List<StepProgress> rows, StepProgress row) {
        List<StepProgress> updated = new ArrayList<>(rows.size() + 1);
        boolean found = false;
        for (StepProgress old : rows) {
            if (old.course().equals(row.course()) && old.lesson().equals(row.lesson()) && old.step().equals(row.step())) {
                found = true;
                updated.add(merged(old, row));
            } else {
                updated.add(old);
            }
        }
        if (!found) {
            updated.add(row);
            updated.sort(QUERY_ORDER);
        }
        return List.copyOf(updated);
    }

    /**
     * Two committed writes of one step, which may finish in either order: attempts only grow, a
     * pass is never undone (a live pass adds no attempt), so the merge is the newer of each.
     */
    private static StepProgress merged(StepProgress a, StepProgress b) {
        StepProgress newer = a.attempts() != b.attempts() ? (a.attempts() > b.attempts() ? a : b)
                : b.status() == StepStatus.PASSED ? b : a;
        boolean passed = a.status() == StepStatus.PASSED || b.status() == StepStatus.PASSED;
        Long passedAt = a.passedAt() == null ? b.passedAt() : b.passedAt() == null ? a.passedAt()
                : Long.valueOf(Math.min(a.passedAt(), b.passedAt()));
        return new StepProgress(newer.course(), newer.lesson(), newer.step(), passed ? StepStatus.PASSED : StepStatus.ATTEMPTED,
                newer.attempts(), Math.min(a.firstAttemptAt(), b.firstAttemptAt()), passedAt, newer.lastVerdict());
    }

    /** The order of {@link #query}'s rows. */
    private static final java.util.Comparator<StepProgress> QUERY_ORDER = java.util.Comparator
            .comparing(StepProgress::course).thenComparing(StepProgress::lesson)
            .thenComparingLong(StepProgress::firstAttemptAt);

    /** Changes whenever the learner's progress changes. */
    public long version(String learner) {
        var version = versions.get(learner);
        return version == null ? 0 : version.get();
    }

    /** One learner's progress on every step they have attempted. */
    public List<StepProgress> progress(String learner) {
        return byLearner.computeIfAbsent(learner, name -> db.read(connection ->
                query(connection, "WHERE learner=?", name)).stream().sorted(QUERY_ORDER).toList());
    }

    /** Every learner's progress, for the instructor. */
    public List<LearnerStep> everyone() {
        return db.read(connection -> {
            List<LearnerStep> rows = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT learner, course, lesson, step, status,"
                    + " attempts, first_attempt_at, passed_at, last_verdict FROM step_progress ORDER BY learner")) {
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new LearnerStep(rs.getString(1), row(rs, 2)));
                    }
                }
            }
            return rows;
        });
    }

    /** The verdicts of every failed attempt at a step, newest first, for the instructor. */
    public List<String> failedVerdicts(String course, String lesson, String step) {
        return db.read(connection -> {
            List<String> verdicts = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT verdict FROM check_attempt"
                    + " WHERE course=? AND lesson=? AND step=? AND passed=? ORDER BY at DESC")) {
                query.setString(1, course);
                query.setString(2, lesson);
                query.setString(3, step);
                query.setBoolean(4, false);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        verdicts.add(rs.getString(1));
                    }
                }
            }
            return verdicts;
        });
    }

    /**
     * For the instructor: per learner and step they tried, when they last tried it and the
     * verdict of their latest failed attempt (null when no attempt failed).
     */
    public List<LastAttempt> lastAttempts() {
        return db.read(connection -> {
            java.util.Map<String, LastAttempt> byStep = new java.util.LinkedHashMap<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT learner, course, lesson, step, MAX(at)"
                    + " FROM check_attempt GROUP BY learner, course, lesson, step")) {
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        LastAttempt last = new LastAttempt(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getLong(5), null);
                        byStep.put(last.key(), last);
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT c.learner, c.course, c.lesson, c.step,"
                    + " c.verdict FROM check_attempt c WHERE c.passed = ? AND c.attempt = (SELECT MAX(d.attempt)"
                    + " FROM check_attempt d WHERE d.learner = c.learner AND d.course = c.course AND d.lesson = c.lesson"
                    + " AND d.step = c.step AND d.passed = ?)")) {
                query.setBoolean(1, false);
                query.setBoolean(2, false);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        String key = String.join("/", rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
                        String verdict = rs.getString(5);
                        byStep.computeIfPresent(key, (k, last) -> new LastAttempt(last.learner(), last.course(),
                                last.lesson(), last.step(), last.at(), verdict));
                    }
                }
            }
            return List.copyOf(byStep.values());
        });
    }

    /** When the learner passed a step, if they have. */
    public Optional<Long> passedAt(String learner, String course, String lesson, String step) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT passed_at FROM step_progress WHERE learner=? AND course=? AND lesson=? AND step=?")) {
                bind(query, learner, course, lesson, step);
                try (ResultSet rs = query.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long at = rs.getLong(1);
                    return rs.wasNull() ? Optional.<Long>empty() : Optional.of(at);
                }
            }
        });
    }

    /** How many attempts were recorded for a step, across all learners. */
    public int attemptCount(String course, String lesson, String step) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT COUNT(*) FROM check_attempt WHERE course=? AND lesson=? AND step=?")) {
                query.setString(1, course);
                query.setString(2, lesson);
                query.setString(3, step);
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Whether a given attempt was recorded, for the durability test and audits. */
    public boolean hasAttempt(String learner, String course, String lesson, String step, int attempt) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM check_attempt WHERE learner=?"
                    + " AND course=? AND lesson=? AND step=? AND attempt=?")) {
                bind(query, learner, course, lesson, step);
                query.setInt(5, attempt);
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Succeeds when the database answers; used by {@code /healthz}. */
    public void ping() {
        db.ping();
    }

    private static List<StepProgress> query(Connection connection, String where, String learner) throws SQLException {
        List<StepProgress> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT course, lesson, step, status, attempts, first_attempt_at, passed_at, last_verdict"
                        + " FROM step_progress " + where + " ORDER BY course, lesson, first_attempt_at")) {
            query.setString(1, learner);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs, 1));
                }
            }
        }
        return rows;
    }

    private static StepProgress row(ResultSet rs, int first) throws SQLException {
        long passedAt = rs.getLong(first + 6);
        Long passed = rs.wasNull() ? null : passedAt;
        return new StepProgress(rs.getString(first), rs.getString(first + 1), rs.getString(first + 2),
                StepStatus.valueOf(rs.getString(first + 3)), rs.getInt(first + 4), rs.getLong(first + 5), passed,
                rs.getString(first + 7));
    }

    private static void bind(PreparedStatement statement, String learner, String course, String lesson, String step)
            throws SQLException {
        statement.setString(1, learner);
        statement.setString(2, course);
        statement.setString(3, lesson);
        statement.setString(4, step);
    }

    @Override
    public void close() {
        if (owns) {
            db.close();
        }
    }

    /**
     * A row of {@link #lastAttempts}: when a learner last tried a step, and the verdict of their
     * latest failed attempt at it, if any.
     */
    public record LastAttempt(String learner, String course, String lesson, String step, long at,
                              String lastFailedVerdict) {
        String key() {
            return String.join("/", learner, course, lesson, step);
        }
    }

    /** A row of {@link #everyone}. */
    public record LearnerStep(String learner, StepProgress progress) {
    }
}
