package dev.dockstep.registry.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a token grants, what a grant creates, and what is remembered of refusals. */
class TokenServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private final List<String> created = new ArrayList<>();
    private boolean full;
    private TokenService tokens;

    @BeforeEach
    void start() {
        MemoryDirectory people = new MemoryDirectory().learner("alice", "alice-pw").learner("bob", "bob-pw");
        Directory directory = new Directory() {
            @Override
            public Login login(String user, String secret) {
                return people.login(user, secret);
            }

            @Override
            public Optional<RepositoryState> repository(String name) {
                return people.repository(name);
            }

            @Override
            public boolean created(String name, String owner) {
                created.add(name);
                return !full && people.created(name, owner);
            }
        };
        tokens = new TokenService(dir, directory, Clock.systemUTC());
        tokens.start();
    }

    @AfterEach
    void stop() {
        tokens.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode access(TokenService.Answer answer) throws Exception {
        assertEquals(200, answer.status(), answer.body().toString());
        return JSON.readTree(SignedJWT.parse((String) answer.body().get("token")).getPayload().toString()).get("access");
    }

    @Test
    void a_first_push_grant_makes_the_repository_and_later_ones_do_not() throws Exception {
        JsonNode granted = access(tokens.token(basic("alice", "alice-pw"),
                "service=dockstep-registry&scope=repository%3Aalice%2Fapp%3Apull%2Cpush"));
        assertEquals("[\"pull\",\"push\"]", granted.get(0).get("actions").toString());
        assertEquals(List.of("alice/app"), created);
        access(tokens.token(basic("alice", "alice-pw"), "scope=repository:alice/app:pull,push"));
        assertEquals(List.of("alice/app"), created, "it exists now");
        access(tokens.token(basic("alice", "alice-pw"), "scope=repository:alice/other:pull"));
        assertEquals(List.of("alice/app"), created, "a pull makes nothing");
    }

    @Test
    void a_learner_with_every_repository_they_may_have_is_refused_a_new_one() throws Exception {
        full = true;
        Instant before = Instant.now().minusSeconds(1);
        JsonNode granted = access(tokens.token(basic("alice", "alice-pw"), "scope=repository:alice/many:pull,push"));
        assertEquals("[\"pull\"]", granted.get(0).get("actions").toString());
        assertEquals(List.of(new Refusal(tokens.refusals("alice", before).get(0).at(), "push", "alice/many",
                "you have as many repositories as one learner may have; push to one you already have")),
                tokens.refusals("alice", before));
    }

    @Test
    void refusals_are_remembered_for_the_learner_they_concern_and_only_theirs() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        access(tokens.token(basic("bob", "bob-pw"), "scope=repository:alice/app:pull,push"));
        tokens.token(basic("alice", "wrong"), "scope=repository:alice/app:pull");
        List<Refusal> bob = tokens.refusals("bob", before);
        assertEquals(1, bob.size());
        assertEquals("push", bob.get(0).action());
        assertEquals("alice/app", bob.get(0).repository());
        assertEquals("only alice may push in alice/…; use your own name, bob/app", bob.get(0).reason());
        List<Refusal> alice = tokens.refusals("alice", before);
        assertEquals(List.of("login"), alice.stream().map(Refusal::action).toList());
        assertEquals("incorrect username or password", alice.get(0).reason());
        assertEquals(List.of(), tokens.refusals("bob", Instant.now().plusSeconds(1)), "only since the time asked");
    }

    @Test
    void an_anonymous_request_gets_a_token_that_grants_nothing() throws Exception {
        JsonNode granted = access(tokens.token(null, "scope=repository:alice/app:pull"));
        assertEquals("[]", granted.get(0).get("actions").toString());
        assertTrue(tokens.refusals("", Instant.EPOCH).isEmpty());
    }
}
