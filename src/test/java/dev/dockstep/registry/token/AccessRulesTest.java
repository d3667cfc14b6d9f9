package dev.dockstep.registry.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Docker Hub's rules, each one both ways. */
class AccessRulesTest {
    private static final Principal ALICE = new Principal.Learner("alice", Scope.READ_WRITE_DELETE, null);
    private static final Principal BOB = new Principal.Learner("bob", Scope.READ_WRITE_DELETE, null);
    private static final Optional<RepositoryState> PUBLIC = Optional.of(new RepositoryState("alice/app", "alice", false));
    private static final Optional<RepositoryState> PRIVATE = Optional.of(new RepositoryState("alice/app", "alice", true));

    private static AccessRules.Decision decide(Principal who, String scope, Optional<RepositoryState> known) {
        return AccessRules.decide(who, Access.parse(scope).orElseThrow(), known);
    }

    @Test
    void a_learner_pushes_pulls_and_deletes_in_their_own_namespace_whatever_its_visibility() {
        for (Optional<RepositoryState> known : java.util.List.of(PUBLIC, PRIVATE, Optional.<RepositoryState>empty())) {
            var decision = decide(ALICE, "repository:alice/app:pull,push,delete", known);
            assertEquals(Set.of("pull", "push", "delete"), decision.granted().actions());
            assertEquals(Optional.empty(), decision.refusal());
        }
    }

    @Test
    void a_learner_may_not_push_or_delete_in_another_learners_namespace_and_is_told_whose_it_is() {
        var push = decide(BOB, "repository:alice/app:pull,push", PUBLIC);
        assertEquals(Set.of("pull"), push.granted().actions(), "a public repository may still be pulled");
        assertEquals(Optional.of("only alice may push in alice/…; use your own name, bob/app"), push.refusal());
        var delete = decide(BOB, "repository:alice/app:delete", PUBLIC);
        assertEquals(Set.of(), delete.granted().actions());
        assertEquals(Optional.of("only alice may delete in alice/…; use your own name, bob/app"), delete.refusal());
    }

    @Test
    void anyone_signed_in_pulls_a_public_repository_but_only_its_owner_a_private_one() {
        assertEquals(Set.of("pull"), decide(BOB, "repository:alice/app:pull", PUBLIC).granted().actions());
        var denied = decide(BOB, "repository:alice/app:pull", PRIVATE);
        assertEquals(Set.of(), denied.granted().actions());
        assertEquals(Optional.of("alice/app is private, or does not exist"), denied.refusal());
        assertEquals(Set.of("pull"), decide(ALICE, "repository:alice/app:pull", PRIVATE).granted().actions());
    }

    @Test
    void a_repository_no_one_pushed_yet_is_answered_as_a_private_one_so_a_refusal_tells_nothing() {
        var unknown = decide(BOB, "repository:alice/nothing:pull", Optional.empty());
        var hidden = decide(BOB, "repository:alice/app:pull", PRIVATE);
        assertEquals(Set.of(), unknown.granted().actions());
        assertEquals(hidden.refusal().orElseThrow().replace("alice/app", "X"),
                unknown.refusal().orElseThrow().replace("alice/nothing", "X"));
    }

    @Test
    void nobody_pushes_to_a_repository_outside_every_namespace() {
        var root = decide(ALICE, "repository:backend:pull,push", Optional.empty());
        assertEquals(Set.of(), root.granted().actions());
        assertEquals(Optional.of("a repository goes under your user name, as alice/backend"), root.refusal());
    }

    @Test
    void an_access_token_grants_only_what_its_scope_says_even_in_the_learners_own_namespace() {
        Principal read = new Principal.Learner("alice", Scope.READ, "t1");
        var push = decide(read, "repository:alice/app:pull,push", PUBLIC);
        assertEquals(Set.of("pull"), push.granted().actions());
        assertEquals(Optional.of("your access token has the scope read, so it cannot push"), push.refusal());
        Principal write = new Principal.Learner("alice", Scope.READ_WRITE, "t2");
        assertEquals(Set.of("pull", "push"), decide(write, "repository:alice/app:pull,push", PUBLIC).granted().actions());
        assertEquals(Set.of(), decide(write, "repository:alice/app:delete", PUBLIC).granted().actions());
        Principal all = new Principal.Learner("alice", Scope.READ_WRITE_DELETE, "t3");
        assertEquals(Set.of("delete"), decide(all, "repository:alice/app:delete", PUBLIC).granted().actions());
    }

    @Test
    void an_anonymous_client_pulls_a_public_repository_and_nothing_else_as_on_docker_hub() {
        var publicPull = decide(new Principal.Anonymous(), "repository:alice/app:pull,push", PUBLIC);
        assertEquals(Set.of("pull"), publicPull.granted().actions());
        assertEquals(Optional.of("log in first, with docker login"), publicPull.refusal(), "the push is refused");
        for (Optional<RepositoryState> hidden : java.util.List.of(PRIVATE, Optional.<RepositoryState>empty())) {
            var anonymous = decide(new Principal.Anonymous(), "repository:alice/app:pull", hidden);
            assertEquals(Set.of(), anonymous.granted().actions(), "private or missing: " + hidden);
            assertEquals(Optional.of("log in first, with docker login"), anonymous.refusal());
        }
        assertEquals(Set.of(), decide(new Principal.Anonymous(), "repository:alice/app:delete", PUBLIC)
                .granted().actions());
    }

    @Test
    void the_checks_only_pull_and_the_pages_also_delete_and_list_but_neither_pushes() {
        Principal checks = new Principal.Service("dockstep-checks", false);
        Principal pages = new Principal.Service("dockstep-pages", true);
        assertEquals(Set.of("pull"), decide(checks, "repository:alice/app:pull,push,delete", PRIVATE).granted().actions());
        assertEquals(Set.of("pull", "delete"), decide(pages, "repository:alice/app:pull,push,delete", PRIVATE)
                .granted().actions());
        assertEquals(Set.of("*"), decide(pages, "registry:catalog:*", Optional.empty()).granted().actions());
        assertEquals(Set.of(), decide(checks, "registry:catalog:*", Optional.empty()).granted().actions());
        assertEquals(Set.of(), decide(ALICE, "registry:catalog:*", Optional.empty()).granted().actions());
    }

    @Test
    void names_outside_dockers_grammar_and_unknown_types_and_actions_get_nothing() {
        assertEquals(Set.of(), decide(ALICE, "repository:alice/App:pull", Optional.empty()).granted().actions());
        assertEquals(Set.of(), decide(ALICE, "repository:alice//app:pull", Optional.empty()).granted().actions());
        assertEquals(Set.of(), decide(ALICE, "repository:alice/app:*", PUBLIC).granted().actions());
        assertEquals(Set.of(), decide(ALICE, "plugin:alice/app:pull", PUBLIC).granted().actions());
    }

    @Test
    void scopes_parse_as_the_docker_cli_sends_them() {
        Access access = Access.parse("repository(plugin):alice/team/app:pull,push").orElseThrow();
        assertEquals(new Access("repository", "alice/team/app", Set.of("pull", "push")), access);
        assertEquals(new Access("registry", "catalog", Set.of("*")), Access.parse("registry:catalog:*").orElseThrow());
        assertFalse(Access.parse("repository:alice/app").isPresent());
        assertFalse(Access.parse("nonsense").isPresent());
        assertFalse(Access.parse("repository:alice/app:").isPresent());
    }

    @Test
    void the_repository_grammar_is_dockers() {
        assertTrue(AccessRules.isRepositoryName("alice/my-app"));
        assertTrue(AccessRules.isRepositoryName("alice/team/app_1.2"));
        assertFalse(AccessRules.isRepositoryName("alice/-app"));
        assertFalse(AccessRules.isRepositoryName("alice/app/"));
        assertFalse(AccessRules.isRepositoryName("a".repeat(256)));
        assertEquals(Optional.of("alice"), AccessRules.owner("alice/app"));
        assertEquals(Optional.empty(), AccessRules.owner("app"));
    }
}
