package dev.dockstep.lesson;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VariablesTest {
    @Test
    void practice_registry_and_docker_hub_give_different_prefixes() {
        assertEquals("localhost:5000/alice", Variables.forRegistry("alice", "localhost:5000").repo());
        assertEquals("alice", Variables.forRegistry("alice", "docker.io").repo());
    }

    @Test
    void text_gets_the_values_and_unknown_variables_stay_for_lint() {
        Variables v = Variables.forRegistry("alice", "localhost:5000");
        assertEquals("docker tag b localhost:5000/alice/b {{nope}} alice",
                v.apply("docker tag b {{repo}}/b {{nope}} {{ user }}"));
    }

    @Test
    void a_name_cannot_inject_markup_into_a_page() {
        Variables v = new Variables("<script>x</script>", "r", "\"><img>");
        assertEquals("<p>&lt;script&gt;x&lt;/script&gt; &quot;&gt;&lt;img&gt;</p>", v.applyToHtml("<p>{{user}} {{repo}}</p>"));
    }
}
