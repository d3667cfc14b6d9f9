package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockstep.lesson.Check;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The words of verdicts: sentences, names that stay names, and advice that fits its step. */
class VerdictWordsTest {
    @Test
    void a_daemons_raw_error_becomes_what_it_said_as_a_sentence() {
        assertEquals("Docker at unix:///run/x.sock refused the request: login attempt to http://localhost:5000/v2/"
                        + " failed with status: 401 Unauthorized.",
                Sentences.of("Docker at unix:///run/x.sock refused the request: Status 500: {\"message\":\"login attempt"
                        + " to http://localhost:5000/v2/ failed with status: 401 Unauthorized\"}\n"));
        assertEquals("No such image: backnd:0.1.", Sentences.of("Status 404: {\"message\":\"No such image: backnd:0.1\"}"));
        assertEquals("Docker is not reachable: connection refused.", Sentences.of("docker is not reachable:\n connection refused"));
        assertEquals("`backend:0.1` is here.", Sentences.of("`backend:0.1` is here"));
        assertEquals("Is it?", Sentences.of("is it?"));
        assertEquals("Something went wrong, and nothing said what.", Sentences.of(null));
        assertEquals("Status 500: {not json}.", Sentences.of("Status 500: {not json}"), "words that are not JSON stay");
    }

    @Test
    void every_reason_and_hint_of_a_verdict_is_made_a_sentence_and_its_kind_stays() {
        assertEquals(new Verdict.Failed("Docker refused the request: no.", "Check again."),
                Sentences.verdict(new Verdict.Failed("docker refused the request: Status 500: {\"message\":\"no\"}", "check again")));
        assertEquals(new Verdict.Passed("Fine."), Sentences.verdict(new Verdict.Passed("fine")));
        assertEquals(new Verdict.Unavailable("Down.", null), Sentences.verdict(new Verdict.Unavailable("down", null)));
    }

    @Test
    void a_name_in_a_code_span_cannot_end_it_early_or_become_markup() {
        assertEquals("`backend:0.1`", Sentences.code("backend:0.1"));
        assertEquals("``a`b``", Sentences.code("a`b"));
        assertEquals("``` ``x ```", Sentences.code("``x"));
        assertEquals("`[x](javascript:alert(1))`", Sentences.code("[x](javascript:alert(1))"));
        assertEquals("`a b`", Sentences.code("a\nb"));
        assertEquals("`a`, `b` and `c`", Sentences.codes(List.of("a", "b", "c")));
        assertEquals("`a`", Sentences.codes(List.of("a")));
        assertEquals("`a`, `b` and 2 more", Sentences.codes(List.of("a", "b", "c", "d"), 2));
    }

    @Test
    void in_a_pull_step_a_missing_image_is_to_be_pulled_never_tagged() {
        List<Check> checks = List.of(new Check("pulled", List.of("{{repo}}/backend"), 1),
                new Check("image", List.of("{{repo}}/backend:latest"), 2));
        Function<String, String> resolve = s -> s.replace("{{repo}}", "localhost:5000/alice");
        Verdict pulled = new Verdict.Failed("Docker has not pulled it.", "Pull it with `docker pull x`.");
        Verdict image = new Verdict.Failed("It is not among your images.", "Give an existing image this name with"
                + " `docker tag SOURCE localhost:5000/alice/backend:latest`, then check again.");
        List<Verdict> fitted = Verifier.fitToStep(checks, resolve, List.of(pulled, image));
        assertEquals(pulled, fitted.get(0));
        assertEquals(new Verdict.Failed("It is not among your images.", "Pull it with `docker pull x`."), fitted.get(1),
                "the same advice as the pull's, which the page then shows once");

        List<Check> alone = List.of(new Check("image", List.of("{{repo}}/backend:0.1"), 1));
        assertEquals(List.of(image), Verifier.fitToStep(alone, resolve, List.of(image)), "alone, it keeps its own");
    }

    @Test
    void in_a_tag_step_a_missing_image_gets_the_exact_docker_tag_of_the_step() {
        List<Check> checks = List.of(new Check("image", List.of("{{repo}}/backend:0.1"), 1),
                new Check("same-image", List.of("backend:0.1", "{{repo}}/backend:0.1"), 2));
        Function<String, String> resolve = s -> s.replace("{{repo}}", "localhost:5000/alice");
        Verdict image = new Verdict.Failed("Missing.", "Give an existing image this name with `docker tag SOURCE x`.");
        Verdict same = new Verdict.Failed("Missing.", "Make it a second name with `docker tag backend:0.1 x`.");
        assertEquals(List.of(new Verdict.Failed("Missing.", same.hint()), same),
                Verifier.fitToStep(checks, resolve, List.of(image, same)));
    }
}
