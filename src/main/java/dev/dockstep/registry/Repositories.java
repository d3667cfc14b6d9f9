package dev.dockstep.registry;

import dev.dockstep.db.Database;
import dev.dockstep.registry.token.RepositoryState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The practice registry's repositories as dockstep keeps them: whose each one is, whether it is
 * private, and when each tag was last pushed. A repository's row is made when its owner is first
 * let push to it (public), or ahead of that on the repositories page (public or private).
 */
public final class Repositories {
    /**
     * Each row costs a little; a learner asking for push tokens to made-up names could otherwise
     * grow the table without end.
     */
    static final int MAX_PER_OWNER = 500;

    private final Database db;
    private final Clock clock;
    private final int maxPerOwner;

    public Repositories(Database db, Clock clock) {
        this(db, clock, MAX_PER_OWNER);
    }

    /** @param maxPerOwner how many repositories one learner may have */
    Repositories(Database db, Clock clock, int maxPerOwner) {
        this.db = db;
        this.clock = clock;
        this.maxPerOwner = maxPerOwner;
    }

    /** When a tag was last pushed, and as which digest. */
    public record PushedTag(String tag, String digest, Instant at) {
    }

    public Optional<RepositoryState> find(String name) {
        return db.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT name, owner, private FROM repository WHERE name=?")) {
                query.setString(1, name);
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next() ? Optional.of(new RepositoryState(rs.getString(1), rs.getString(2), rs.getBoolean(3)))
                            : Optional.<RepositoryState>empty();
                }
            }
        });
    }

    /** Every repository dockstep knows of, by name. */
    public List<RepositoryState> all() {
        return db.read(connection -> {
            List<RepositoryState> all = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT name, owner, private FROM repository ORDER BY name");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    all.add(new RepositoryState(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
            return all;
        });
    }

    /** What became of {@link #create}. */
    public enum Created { MADE, EXISTED, FULL }

    /** Makes the repository's row if there is none, unless its owner has as many as they may have already. */
    public Created create(String name, String owner, boolean isPrivate) {
        return db.transaction(connection -> {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM repository WHERE name=?")) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return Created.EXISTED;
                    }
                }
            }
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM repository WHERE owner=?")) {
                count.setString(1, owner);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= maxPerOwner) {
                        return Created.FULL;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO repository (name, owner, private,"
                    + " created_at) VALUES (?,?,?,?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, name);
                insert.setString(2, owner);
                insert.setBoolean(3, isPrivate);
                insert.setLong(4, clock.millis());
                return insert.executeUpdate() == 1 ? Created.MADE : Created.EXISTED;
            }
        });
    }

    /** Makes a repository private or public, making its row if need be. */
    public void setPrivate(String name, String owner, boolean isPrivate) {
        db.transaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO repository (name, owner, private,"
                    + " created_at) VALUES (?,?,?,?) ON CONFLICT (name) DO UPDATE SET private=excluded.private")) {
                upsert.setString(1, name);
                upsert.setString(2, owner);
                upsert.setBoolean(3, isPrivate);
                upsert.setLong(4, clock.millis());
                return upsert.executeUpdate();
            }
        });
    }

    /** Notes that a tag was pushed, as the registry reported it. */
    public void pushed(String repository, String tag, String digest, Instant at) {
        db.transaction(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO pushed_tag (repository, tag,"
                    + " digest, pushed_at) VALUES (?,?,?,?) ON CONFLICT (repository, tag) DO UPDATE SET"
                    + " digest=excluded.digest, pushed_at=excluded.pushed_at")) {
                upsert.setString(1, repository);
                upsert.setString(2, tag);
                upsert.setString(3, digest);
                upsert.setLong(4, at.toEpochMilli());
                return upsert.executeUpdate();
            }
        });
    }

    /** Forgets the push times of every tag that pointed at a deleted manifest. */
    public void deleted(String repository, String digest) {
        db.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM pushed_tag WHERE repository=? AND digest=?")) {
                delete.setString(1, repository);
                delete.setString(2, digest);
                return delete.executeUpdate();
            }
        });
    }

    /** When each tag of the repository was last pushed, by tag. */
    public Map<String, PushedTag> pushedTags(String repository) {
        return db.read(connection -> {
            Map<String, PushedTag> tags = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT tag, digest, pushed_at FROM pushed_tag WHERE repository=?")) {
                query.setString(1, repository);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        tags.put(rs.getString(1), new PushedTag(rs.getString(1), rs.getString(2),
                                Instant.ofEpochMilli(rs.getLong(3))));
                    }
                }
            }
            return tags;
        });
    }

    /** When any tag of each repository was last pushed, by repository. */
    public Map<String, Instant> lastPushes() {
        return db.read(connection -> {
            Map<String, Instant> last = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT repository, MAX(pushed_at) FROM pushed_tag GROUP BY repository");
                 ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    last.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
                }
            }
            return last;
        });
    }
}
