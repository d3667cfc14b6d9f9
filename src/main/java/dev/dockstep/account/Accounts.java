package dev.dockstep.account;

import dev.dockstep.common.Hashes;
import dev.dockstep.common.Tokens;
import at.favre.lib.crypto.bcrypt.BCrypt;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dockstep.db.Database;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Learners' accounts and signed-in sessions. Passwords are kept only as bcrypt hashes, session
 * tokens only as SHA-256 hashes.
 */
public final class Accounts {
    /** Docker Hub's rule for user names, which are also registry user names here. */
    static final Pattern NAME = Pattern.compile("[a-z0-9]{4,30}");
    static final Duration SESSION_LIFE = Duration.ofDays(30);
    private static final int COST = 10;


    private final Database db;
    private final Clock clock;
    private final SignInThrottle throttle;
    /**
     * Open sessions by token hash, each kept until its own expiry at most (a session's learner
     * never changes, so only signing out drops one sooner), and bounded in number.
     */
    private final Cache<String, CachedSession> sessions = Caffeine.newBuilder().maximumSize(MAX_CACHED)
            .expireAfterWrite(Duration.ofHours(1)).build();
    /**
     * Roles, read again after a second: {@code dockstep instructor add} runs in another process.
     * Pages that an instructor sees differently ask for the role fresh (see {@link #learnerFor(String, boolean)}).
     */
    private final Cache<String, Learner.Role> roles = Caffeine.newBuilder().maximumSize(MAX_CACHED)
            .expireAfterWrite(Duration.ofMillis(ROLE_MILLIS)).build();
    private static final long ROLE_MILLIS = 1000;
    private static final int MAX_CACHED = 100_000;
    /** bcrypt reads at most this many bytes of a password; a longer one must not silently match. */
    static final int MAX_PASSWORD_BYTES = 72;

    private record CachedSession(String learner, long expiresAt) {
    }

    public Accounts(Database db, Clock clock, SignInThrottle throttle) {
        this.db = db;
        this.clock = clock;
        this.throttle = throttle;
    }

    /** What became of a sign-up or sign-in. */
    public sealed interface Outcome {
        record SignedIn(Learner learner, String sessionToken) implements Outcome {
        }

        /** Refused; {@code reason} is one sentence for the person, naming what was wrong. */
        record Refused(String reason) implements Outcome {
        }
    }

    /** Why a name cannot be a user name, or empty when it can. */
    public static Optional<String> nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("Choose a user name.");
        }
        if (name.length() < 4 || name.length() > 30) {
            return Optional.of("A user name has 4 to 30 characters; this one has " + name.length() + ".");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("A user name may only hold lowercase letters a-z and digits 0-9, as on Docker Hub.");
        }
        return Optional.empty();
    }

    /** Why a password cannot be set, or empty when it can: here, and on the practice registry. */
    public static Optional<String> passwordProblem(String password) {
        if (password == null || password.length() < 8) {
            return Optional.of("A password needs at least 8 characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return Optional.of("A password has at most " + MAX_PASSWORD_BYTES + " bytes: 72 plain letters, digits"
                    + " or signs, fewer with accents or emoji.");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("A password may not contain control characters.");
        }
        return Optional.empty();
    }

    /** Creates a learner and a session; the practice registry knows them by the same name and password. */
    public Outcome signUp(String name, String password) {
        Optional<String> problem = nameProblem(name).or(() -> passwordProblem(password));
        if (problem.isPresent()) {
            return new Outcome.Refused(problem.get());
        }
        String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(COST, password.toCharArray());
        boolean created = db.transaction(connection -> {
            try (PreparedStatement find = connection.prepareStatement("SELECT 1 FROM learner WHERE name=?")) {
                find.setString(1, name);
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO learner (name, password_hash, role, created_at) VALUES (?,?,?,?)")) {
                insert.setString(1, name);
                insert.setString(2, hash);
                insert.setString(3, Learner.Role.LEARNER.name());
                insert.setLong(4, clock.millis());
                insert.executeUpdate();
            }
            return true;
        });
        if (!created) {
            return new Outcome.Refused("The name " + name + " is taken; choose another, or sign in.");
        }
        Learner learner = new Learner(name, Learner.Role.LEARNER);
        return new Outcome.SignedIn(learner, newSession(learner));
    }

    /**
     * Checks a password, under the throttle, and opens a session. A name that cannot be an
     * account is refused before anything keeps it; a password bcrypt cannot read whole never matches.
     */
    public Outcome signIn(String name, String password, String address) {
        Optional<String> badName = nameProblem(name);
        if (badName.isPresent()) {
            return new Outcome.Refused(badName.get());
        }
        Optional<Duration> wait = throttle.wait(name, address);
        if (wait.isPresent()) {
            long minutes = Math.max(1, (wait.get().toSeconds() + 59) / 60);
            return new Outcome.Refused("Too many failed sign-ins for this name; try again in " + minutes + " minute"
                    + (minutes == 1 ? "" : "s") + ".");
        }
        Optional<Stored> stored = find(name);
        boolean ok = stored.isPresent() && password != null
                && password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES
                && BCrypt.verifyer().verify(password.toCharArray(), stored.get().hash()).verified;
        if (!ok) {
            throttle.failed(name, address);
            return new Outcome.Refused("That user name and password do not match an account.");
        }
        throttle.succeeded(name, address);
        return new Outcome.SignedIn(stored.get().learner(), newSession(stored.get().learner()));
    }

    /**
     * Checks a learner's password without opening a session (the practice registry's logins ask
     * here); the caller throttles guessing. A password bcrypt cannot hold is simply no match.
     */
    public Optional<Learner> checkPassword(String name, String password) {
        if (name == null || password == null || nameProblem(name).isPresent() || passwordProblem(password).isPresent()) {
            return Optional.empty();
        }
        return find(name).filter(stored -> BCrypt.verifyer().verify(password.toCharArray(), stored.hash()).verified)
                .map(Stored::learner);
    }

    /** The learner a session token belongs to, while the session lasts; the role may be a second old. */
    public Optional<Learner> learnerFor(String token) {
        return learnerFor(token, false);
    }

    /**
     * The learner a session token belongs to, while the session lasts.
     *
     * @param freshRole read the role from the database rather than the one-second cache, so that a
     *     grant made a moment ago by {@code dockstep instructor add} shows at once
     */
    public Optional<Learner> learnerFor(String token, boolean freshRole) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return Optional.empty();
        }
        String hash = sha256(token);
        long now = clock.millis();
        CachedSession cached = sessions.getIfPresent(hash);
        if (cached == null || cached.expiresAt() <= now) {
            sessions.invalidate(hash);
            Optional<CachedSession> stored = db.read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(
                        "SELECT learner, expires_at FROM web_session WHERE token_hash=? AND expires_at > ?")) {
                    query.setString(1, hash);
                    query.setLong(2, now);
                    try (ResultSet rs = query.executeQuery()) {
                        return rs.next() ? Optional.of(new CachedSession(rs.getString(1), rs.getLong(2)))
                                : Optional.<CachedSession>empty();
                    }
                }
            });
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            cached = stored.get();
            sessions.put(hash, cached);
        }
        String name = cached.learner();
        return role(name, freshRole).map(role -> new Learner(name, role));
    }

    private Optional<Learner.Role> role(String name, boolean fresh) {
        Learner.Role cached = fresh ? null : roles.getIfPresent(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Learner.Role> role = db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT role FROM learner WHERE name=?")) {
                query.setString(1, name);
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next() ? Optional.of(Learner.Role.valueOf(rs.getString(1))) : Optional.<Learner.Role>empty();
                }
            }
        });
        role.ifPresent(r -> roles.put(name, r));
        return role;
    }

    /** Ends a session; its token is worthless afterwards. */
    public void signOut(String token) {
        if (token == null) {
            return;
        }
        sessions.invalidate(sha256(token));
        db.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM web_session WHERE token_hash=?")) {
                delete.setString(1, sha256(token));
                delete.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Ends every session of a learner at once, in the database and in memory: for a learner who
     * signed in somewhere they no longer trust.
     *
     * @return how many sessions ended
     */
    public int signOutEverywhere(String learner) {
        int ended = db.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM web_session WHERE learner=?")) {
                delete.setString(1, learner);
                return delete.executeUpdate();
            }
        });
        sessions.asMap().values().removeIf(session -> session.learner().equals(learner));
        return ended;
    }

    /** How many browsers the learner is signed in on now. */
    public int sessionCount(String learner) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT COUNT(*) FROM web_session WHERE learner=? AND expires_at > ?")) {
                query.setString(1, learner);
                query.setLong(2, clock.millis());
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * Grants the instructor role.
     *
     * @throws IllegalArgumentException when no such learner has signed up
     */
    public void grantInstructor(String name) {
        if (setRole(name, Learner.Role.INSTRUCTOR) == 0) {
            throw new IllegalArgumentException("no one named '" + name + "' has signed up; they must sign up first");
        }
    }

    /**
     * Takes the instructor role back; the person stays a learner, with their progress.
     *
     * @throws IllegalArgumentException when no such learner has signed up, or they are not an instructor
     */
    public void revokeInstructor(String name) {
        Optional<Stored> stored = find(name);
        if (stored.isEmpty()) {
            throw new IllegalArgumentException("no one named '" + name + "' has signed up");
        }
        if (!stored.get().learner().isInstructor()) {
            throw new IllegalArgumentException(name + " is not an instructor; `dockstep instructor add " + name
                    + "` makes them one");
        }
        setRole(name, Learner.Role.LEARNER);
    }

    private int setRole(String name, Learner.Role role) {
        int changed = db.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE learner SET role=? WHERE name=?")) {
                update.setString(1, role.name());
                update.setString(2, name);
                return update.executeUpdate();
            }
        });
        roles.invalidate(name);
        return changed;
    }

    /** Every learner, for the instructor's grid. */
    public List<Learner> everyone() {
        return db.read(connection -> {
            List<Learner> all = new java.util.ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT name, role FROM learner ORDER BY name");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    all.add(new Learner(rs.getString(1), Learner.Role.valueOf(rs.getString(2))));
                }
            }
            return all;
        });
    }

    private record Stored(Learner learner, String hash) {
    }

    private Optional<Stored> find(String name) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT name, role, password_hash FROM learner WHERE name=?")) {
                query.setString(1, name);
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next() ? Optional.of(new Stored(new Learner(rs.getString(1),
                            Learner.Role.valueOf(rs.getString(2))), rs.getString(3))) : Optional.<Stored>empty();
                }
            }
        });
    }

    private String newSession(Learner learner) {
        String token = Tokens.urlSafe(32);
        long now = clock.millis();
        db.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO web_session (token_hash, learner, created_at, expires_at) VALUES (?,?,?,?)")) {
                insert.setString(1, sha256(token));
                insert.setString(2, learner.name());
                insert.setLong(3, now);
                insert.setLong(4, now + SESSION_LIFE.toMillis());
                insert.executeUpdate();
            }
            return null;
        });
        return token;
    }

    static String sha256(String text) {
        return Hashes.sha256(text);
    }
}
