package dev.dockstep.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.db.Database;
import dev.dockstep.registry.token.Directory;
import dev.dockstep.registry.token.Principal;
import dev.dockstep.registry.token.RepositoryState;
import dev.dockstep.registry.token.Scope;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Access tokens and repositories against a real database; each subclass names one: a SQLite
 * file, or a PostgreSQL server. The same V3 migration makes both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RegistryStoreContract {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private Database db;
    private final MutableClock clock = new MutableClock();
    private AccessTokens tokens;
    private Repositories repositories;

    abstract String databaseUrl();

    @BeforeAll
    void open() {
        db = Database.open(databaseUrl());
        tokens = new AccessTokens(db, clock);
        repositories = new Repositories(db, clock, 3);
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private static String name() {
        return "store" + NAMES.incrementAndGet() + "learner";
    }

    /** A clock the test moves by hand, so "last used" can be seen to move. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T10:00:00Z");

        void advance(long millis) {
            now = now.plusMillis(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void a_token_is_shown_once_kept_as_a_hash_and_logs_in_with_its_scope() {
        String alice = name();
        var made = (AccessTokens.Creation.Made) tokens.create(alice, "  laptop  ", "read-write");
        assertTrue(made.secret().startsWith(AccessTokens.PREFIX));
        assertEquals("laptop", made.token().description());
        List<AccessTokens.Token> listed = tokens.list(alice);
        assertEquals(List.of(made.token()), listed);
        assertFalse(listed.toString().contains(made.secret()));
        String stored = db.read(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT token_hash FROM access_token WHERE id='"
                    + made.token().id() + "'")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertEquals(AccessTokens.sha256(made.secret()), stored, "only the hash is stored");

        Directory.Login login = tokens.login(alice, made.secret());
        assertEquals(new Directory.Login.Accepted(new Principal.Learner(alice, Scope.READ_WRITE, made.token().id())), login);
        assertEquals(Optional.of(clock.instant()), tokens.list(alice).get(0).lastUsedAt());
        assertEquals(new Directory.Login.Refused("incorrect username or password"), tokens.login(name(), made.secret()),
                "another learner's name with the token");
        assertEquals(new Directory.Login.Refused("incorrect username or password"),
                tokens.login(alice, AccessTokens.PREFIX + "made-up"));
    }

    @Test
    void a_revoked_token_is_refused_with_the_reason_and_only_its_owner_may_revoke_it() {
        String alice = name();
        var made = (AccessTokens.Creation.Made) tokens.create(alice, "CI", "read");
        assertFalse(tokens.revoke(name(), made.token().id()), "not b's to revoke");
        assertInstanceOf(Directory.Login.Accepted.class, tokens.login(alice, made.secret()));
        clock.advance(1000);
        assertTrue(tokens.revoke(alice, made.token().id()));
        assertFalse(tokens.revoke(alice, made.token().id()), "revoked once");
        assertEquals(new Directory.Login.Refused("this access token was revoked; create a new one on dockstep's"
                + " Access tokens page, or log in with your password"), tokens.login(alice, made.secret()));
        AccessTokens.Token listed = tokens.list(alice).get(0);
        assertFalse(listed.active());
        assertEquals(Optional.of(clock.instant()), listed.revokedAt());
    }

    @Test
    void a_bad_description_or_scope_is_refused_with_what_was_wrong_and_the_number_of_tokens_is_bounded() {
        String alice = name();
        assertEquals(new AccessTokens.Creation.Refused("Describe what the token is for, such as \"laptop\" or \"CI\"."),
                tokens.create(alice, " ", "read"));
        assertEquals(new AccessTokens.Creation.Refused("A description has at most 100 characters; this one has 101."),
                tokens.create(alice, "x".repeat(101), "read"));
        assertEquals(new AccessTokens.Creation.Refused("A description may not contain control characters."),
                tokens.create(alice, "a\u0007b", "read"));
        assertEquals(new AccessTokens.Creation.Refused("Choose the scope read, read-write or read-write-delete."),
                tokens.create(alice, "laptop", "admin"));
        for (int i = 0; i < AccessTokens.MAX_ACTIVE; i++) {
            assertInstanceOf(AccessTokens.Creation.Made.class, tokens.create(alice, "t" + i, "read"));
        }
        assertEquals(new AccessTokens.Creation.Refused("You have 50 active access tokens, the most there may be;"
                + " revoke one you no longer use first."), tokens.create(alice, "one more", "read"));
        tokens.revoke(alice, tokens.list(alice).get(0).id());
        assertInstanceOf(AccessTokens.Creation.Made.class, tokens.create(alice, "one more", "read"));
    }

    @Test
    void a_repository_is_made_once_switched_between_public_and_private_and_bounded_per_owner() {
        String alice = name();
        assertEquals(Repositories.Created.MADE, repositories.create(alice + "/app", alice, false));
        assertEquals(Repositories.Created.EXISTED, repositories.create(alice + "/app", alice, true));
        assertEquals(Optional.of(new RepositoryState(alice + "/app", alice, false)), repositories.find(alice + "/app"));
        repositories.setPrivate(alice + "/app", alice, true);
        assertEquals(Optional.of(new RepositoryState(alice + "/app", alice, true)), repositories.find(alice + "/app"));
        repositories.setPrivate(alice + "/ahead", alice, true);
        assertTrue(repositories.find(alice + "/ahead").orElseThrow().isPrivate(), "made private before its first push");
        assertEquals(Repositories.Created.MADE, repositories.create(alice + "/third", alice, false));
        assertEquals(Repositories.Created.FULL, repositories.create(alice + "/fourth", alice, false));
        assertEquals(Optional.empty(), repositories.find(alice + "/fourth"));
        assertTrue(repositories.all().stream().map(RepositoryState::name).toList().containsAll(
                List.of(alice + "/ahead", alice + "/app", alice + "/third")));
    }

    @Test
    void push_times_follow_the_registrys_notifications_and_a_deleted_manifest_takes_its_tags() {
        String repo = name() + "/app";
        Instant first = Instant.parse("2026-02-01T09:00:00Z");
        repositories.pushed(repo, "1", "sha256:aaa", first);
        repositories.pushed(repo, "latest", "sha256:aaa", first);
        repositories.pushed(repo, "2", "sha256:bbb", first.plusSeconds(60));
        repositories.pushed(repo, "1", "sha256:ccc", first.plusSeconds(120));
        Map<String, Repositories.PushedTag> tags = repositories.pushedTags(repo);
        assertEquals(new Repositories.PushedTag("1", "sha256:ccc", first.plusSeconds(120)), tags.get("1"));
        assertEquals(first.plusSeconds(120), repositories.lastPushes().get(repo));
        repositories.deleted(repo, "sha256:aaa");
        assertEquals(java.util.Set.of("1", "2"), repositories.pushedTags(repo).keySet());
    }
}
