package dev.dockstep.registry;

import dev.dockstep.db.Database;
import dev.dockstep.registry.token.Directory;
import dev.dockstep.registry.token.Principal;
import dev.dockstep.registry.token.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Personal access tokens, as on Docker Hub: a learner makes one with a description and a scope,
 * uses it in place of their password for {@code docker login}, and revokes it when it is no
 * longer needed. A token is shown once, when it is made; only its SHA-256 is kept (it is 256
 * random bits, so a fast hash is enough). A revoked token is refused at the next token request.
 */
public final class AccessTokens {
    /** Every token starts so, as Docker Hub's start with {@code dckr_pat_}: a login can tell a token from a password. */
    public static final String PREFIX = "dockstep_pat_";
    static final int MAX_ACTIVE = 50;
    static final int MAX_DESCRIPTION = 100;
    /** Marking a token used is a write; once a minute is often enough for "last used". */
    private static final long USE_RESOLUTION_MILLIS = 60_000;

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AccessTokens(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** One of a learner's tokens, as their list shows it; never the token itself. */
    public record Token(String id, String description, Scope scope, Instant createdAt, Optional<Instant> lastUsedAt,
                        Optional<Instant> revokedAt) {
        public boolean active() {
            return revokedAt.isEmpty();
        }
    }

    /** What became of a request for a new token. */
    public sealed interface Creation {
        /** Made; {@code secret} is the token, to be shown once and never again. */
        record Made(Token token, String secret) implements Creation {
            @Override
            public String toString() {
                return "Made[" + token + ", secret hidden]";
            }
        }

        /** Refused; {@code reason} is one sentence naming what was wrong. */
        record Refused(String reason) implements Creation {
        }
    }

    /** Makes a token for {@code learner}. */
    public Creation create(String learner, String description, String scopeLabel) {
        String text = description == null ? "" : description.strip();
        if (text.isEmpty()) {
            return new Creation.Refused("Describe what the token is for, such as \"laptop\" or \"CI\".");
        }
        if (text.length() > MAX_DESCRIPTION) {
            return new Creation.Refused("A description has at most " + MAX_DESCRIPTION + " characters; this one has "
                    + text.length() + ".");
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            return new Creation.Refused("A description may not contain control characters.");
        }
        Optional<Scope> scope = Scope.parse(scopeLabel);
        if (scope.isEmpty()) {
            return new Creation.Refused("Choose the scope read, read-write or read-write-delete.");
        }
        String secret = PREFIX + token(32);
        String id = token(12);
        long now = clock.millis();
        boolean made = db.transaction(connection -> {
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT COUNT(*) FROM access_token WHERE learner=? AND revoked_at IS NULL")) {
                count.setString(1, learner);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= MAX_ACTIVE) {
                        return false;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO access_token (id, learner,"
                    + " description, scope, token_hash, created_at) VALUES (?,?,?,?,?,?)")) {
                insert.setString(1, id);
                insert.setString(2, learner);
                insert.setString(3, text);
                insert.setString(4, scope.get().label());
                insert.setString(5, sha256(secret));
                insert.setLong(6, now);
                insert.executeUpdate();
            }
            return true;
        });
        if (!made) {
            return new Creation.Refused("You have " + MAX_ACTIVE + " active access tokens, the most there may be;"
                    + " revoke one you no longer use first.");
        }
        return new Creation.Made(new Token(id, text, scope.get(), Instant.ofEpochMilli(now), Optional.empty(),
                Optional.empty()), secret);
    }

    /** The learner's tokens, newest first, revoked ones included. */
    public List<Token> list(String learner) {
        return db.read(connection -> {
            List<Token> tokens = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("SELECT id, description, scope, created_at,"
                    + " last_used_at, revoked_at FROM access_token WHERE learner=? ORDER BY created_at DESC, id")) {
                query.setString(1, learner);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        tokens.add(new Token(rs.getString(1), rs.getString(2), Scope.parse(rs.getString(3)).orElseThrow(),
                                Instant.ofEpochMilli(rs.getLong(4)), instant(rs, 5), instant(rs, 6)));
                    }
                }
            }
            return tokens;
        });
    }

    /**
     * Revokes one of the learner's own tokens; another learner's id is treated as unknown.
     *
     * @return false when the learner has no active token with that id
     */
    public boolean revoke(String learner, String id) {
        return db.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE access_token SET revoked_at=? WHERE id=? AND learner=? AND revoked_at IS NULL")) {
                update.setLong(1, clock.millis());
                update.setString(2, id);
                update.setString(3, learner);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Whether a secret has the shape of an access token rather than a password. */
    static boolean looksLikeToken(String secret) {
        return secret.startsWith(PREFIX);
    }

    /** A {@code docker login} with an access token: it must be the user's own, and not revoked. */
    Directory.Login login(String user, String secret) {
        String hash = sha256(secret);
        record Row(String id, String learner, Scope scope, Long lastUsed, Long revoked) {
        }
        Optional<Row> row = db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT id, learner, scope, last_used_at,"
                    + " revoked_at FROM access_token WHERE token_hash=?")) {
                query.setString(1, hash);
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next() ? Optional.of(new Row(rs.getString(1), rs.getString(2),
                            Scope.parse(rs.getString(3)).orElseThrow(), nullableLong(rs, 4), nullableLong(rs, 5)))
                            : Optional.<Row>empty();
                }
            }
        });
        if (row.isEmpty() || !row.get().learner().equals(user)) {
            return new Directory.Login.Refused("incorrect username or password");
        }
        if (row.get().revoked() != null) {
            return new Directory.Login.Refused("this access token was revoked; create a new one on dockstep's"
                    + " Access tokens page, or log in with your password");
        }
        long now = clock.millis();
        if (row.get().lastUsed() == null || now - row.get().lastUsed() >= USE_RESOLUTION_MILLIS) {
            db.transaction(connection -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE access_token SET last_used_at=? WHERE id=?")) {
                    update.setLong(1, now);
                    update.setString(2, row.get().id());
                    return update.executeUpdate();
                }
            });
        }
        return new Directory.Login.Accepted(new Principal.Learner(user, row.get().scope(), row.get().id()));
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        Long millis = nullableLong(rs, column);
        return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private String token(int bytes) {
        byte[] secret = new byte[bytes];
        random.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
