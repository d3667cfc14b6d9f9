package dev.dockstep.lesson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.check.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LessonLoaderTest {
    @TempDir
    Path root;
    Path course;

    @BeforeEach
    void course() throws IOException {
        course = Files.createDirectories(root.resolve("hub"));
        Files.writeString(course.resolve("index.md"), "---\ntitle: Hub\nsummary: S\n---\n");
    }

    @Test
    void a_lesson_splits_into_intro_and_steps_with_their_blocks() throws IOException {
        write("01-tag.md", """
                ---
                title: Tag
                minutes: 5
                setup:
                  images: [backend:0.1, frontend:0.1]
                ---
                Intro text.

                ## First step

                Do this:

                ```sh
                docker tag a b
                ```

                ```check
                # a comment line
                image {{repo}}/backend:0.1   # trailing comment
                ```

                ```hint
                Try harder.
                ```

                ```solution
                docker tag backend:0.1 {{repo}}/backend:0.1
                ```

                ## Second step
                Read only.
                """);
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(root);
        assertEquals(List.of(course.resolve("01-tag.md") + ":30: warning: step 'Second step' has neither a check nor"
                + " a quiz; it passes when the learner presses Next"), problems());
        Lesson lesson = catalog.lesson("hub", "tag").orElseThrow();
        assertEquals("Tag", lesson.title());
        assertEquals(5, lesson.minutes());
        assertEquals(List.of("backend:0.1", "frontend:0.1"), lesson.setupImages());
        assertEquals("<p>Intro text.</p>\n", lesson.introHtml());
        assertEquals(2, lesson.steps().size());
        Step first = lesson.steps().get(0);
        assertEquals("first-step", first.id());
        assertEquals(9, first.line());
        assertEquals("image", first.checks().get(0).kind());
        assertEquals(List.of("{{repo}}/backend:0.1"), first.checks().get(0).args());
        assertEquals(19, first.checks().get(0).line());
        assertEquals(List.of("Try harder."), first.hints());
        assertEquals("docker tag backend:0.1 {{repo}}/backend:0.1", first.solution());
        assertTrue(first.html().contains("<pre data-run=\"run\"><code class=\"language-sh\">docker tag a b\n</code></pre>"),
                first.html());
        assertTrue(!first.html().contains("image {{repo}}"), "check blocks are not shown");
        assertEquals(List.of(), lesson.steps().get(1).checks());
        assertEquals(List.of("backend:0.1", "frontend:0.1"), catalog.setupImages());
    }

    @Test
    void an_unknown_check_kind_and_a_wrong_argument_count_are_reported_at_their_lines() throws IOException {
        write("01-bad.md", "---\ntitle: Bad\n---\n## Step\n```check\nimagee x\nimage\n```\n");
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(root);
        assertEquals(List.of(
                course.resolve("01-bad.md") + ":6: unknown check kind 'imagee'; known kinds: digest-pulled,"
                        + " image, logged-in, logged-out, login-refused, no-dangling, no-image, pulled, pushed,"
                        + " repo-private, repo-public, same-image, token-login",
                course.resolve("01-bad.md") + ":7: 'image' takes 1 argument(s) (image ref), found 0"),
                catalog.problems().stream().map(Problem::toString).toList());
        assertTrue(catalog.lesson("hub", "bad").isEmpty(), "a broken lesson is not served");
    }

    @Test
    void an_unterminated_fence_points_at_its_opening_line() throws IOException {
        write("01-open.md", "---\ntitle: Open\n---\n## Step\ntext\n```sh\ndocker ps\n");
        assertEquals(List.of(course.resolve("01-open.md") + ":6: this code fence is never closed; add a line with ```"),
                errors());
    }

    @Test
    void yaml_that_does_not_parse_is_reported_at_its_line() throws IOException {
        write("01-yaml.md", "---\ntitle: Fine\nsummary: a: b\n---\n## Step\n");
        List<String> problems = problems();
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith(course.resolve("01-yaml.md") + ":3: the front matter is not valid YAML"),
                problems.get(0));
    }

    @Test
    void a_missing_title_and_a_lesson_without_steps_are_errors() throws IOException {
        write("01-empty.md", "---\nsummary: nothing\n---\nJust text.\n");
        assertEquals(List.of(
                course.resolve("01-empty.md") + ":1: the lesson has no title in its front matter",
                course.resolve("01-empty.md") + ":4: the lesson has no steps; start each step with a '## ' heading"),
                problems());
    }

    @Test
    void a_reference_that_is_invalid_once_sample_values_are_substituted_is_an_error() throws IOException {
        write("01-ref.md", "---\ntitle: Ref\n---\n## Step\n```check\nimage {{repo}}/Backend:0.1\nlogged-in http://x\n```\n"
                + "```solution\ntrue\n```\n");
        assertEquals(List.of(
                course.resolve("01-ref.md") + ":6: 'localhost:5000/learner/Backend:0.1' has uppercase letters; repository"
                        + " names must be lowercase (with sample values {user=learner, registry=localhost:5000,"
                        + " repo=localhost:5000/learner})",
                course.resolve("01-ref.md") + ":7: 'http://x' is not a registry host such as localhost:5000 or docker.io"),
                problems());
    }

    @Test
    void an_unknown_variable_is_an_error_at_its_line() throws IOException {
        write("01-var.md", "---\ntitle: Var\n---\n## Step\nRun {{usr}} and {{user}}.\n```check\nimage {{img}}\n```\n");
        List<String> problems = problems();
        assertTrue(problems.contains(course.resolve("01-var.md") + ":5: unknown variable {{usr}}; known: {{company_registry}},"
                + " {{company_repo}}, {{registry}}, {{repo}}, {{user}}"), problems.toString());
        assertTrue(problems.contains(course.resolve("01-var.md") + ":7: unknown variable {{img}}; known: {{company_registry}},"
                + " {{company_repo}}, {{registry}}, {{repo}}, {{user}}"), problems.toString());
    }

    @Test
    void duplicate_step_titles_are_an_error_at_the_second() throws IOException {
        write("01-dup.md", "---\ntitle: Dup\n---\n## Tag it\n```check\nimage a\n```\n## Tag it!\n```check\nimage b\n```\n");
        assertEquals(List.of(course.resolve("01-dup.md") + ":8: the step title 'Tag it!' repeats the step at line 4;"
                + " step titles must differ"), problems());
    }

    @Test
    void a_quiz_is_parsed_with_its_question_options_and_right_answers() throws IOException {
        write("01-quiz.md", "---\ntitle: Quiz\n---\n## Question\n```quiz\nWhich **two**?\n- [x] one\n- [ ] two\n"
                + "- [X] three\n  continued\n```\n");
        Step step = new LessonLoader(Verifier.ARGUMENTS).load(root).lesson("hub", "quiz").orElseThrow().steps().get(0);
        assertEquals(Step.Kind.QUIZ, step.kind());
        Quiz quiz = step.quiz().orElseThrow();
        assertEquals("Which **two**?", quiz.question());
        assertEquals(List.of("one", "two", "three continued"), quiz.options().stream().map(Quiz.Option::text).toList());
        assertEquals(List.of(0, 2), quiz.rightAnswers());
        assertTrue(quiz.isRight(List.of(2, 0)));
        assertTrue(!quiz.isRight(List.of(0)));
        assertTrue(!quiz.isRight(List.of(0, 1, 2)));
    }

    @Test
    void a_quiz_without_a_right_answer_or_with_one_option_is_an_error() throws IOException {
        write("01-q.md", "---\ntitle: Q\n---\n## A\n```quiz\nWhich?\n- [ ] one\n- [ ] two\n```\n"
                + "## B\n```quiz\nWhich?\n- [x] only\n```\n");
        assertEquals(List.of(
                course.resolve("01-q.md") + ":5: the quiz has no right answer; mark it '- [x] ...'",
                course.resolve("01-q.md") + ":11: the quiz needs at least two options, written '- [ ] wrong' and"
                        + " '- [x] right'"), problems());
    }

    @Test
    void a_check_block_outside_a_step_is_an_error() throws IOException {
        write("01-out.md", "---\ntitle: Out\n---\n```check\nimage a\n```\n## Step\n```check\nimage b\n```\n");
        assertEquals(List.of(course.resolve("01-out.md") + ":4: a 'check' block must stand inside a step, after a '## '"
                + " heading"), problems());
    }

    @Test
    void a_heading_inside_a_code_fence_does_not_start_a_step() throws IOException {
        write("01-fence.md", "---\ntitle: Fence\n---\n## Real\n```md\n## not a step\n```\n");
        Lesson lesson = new LessonLoader(Verifier.ARGUMENTS).load(root).lesson("hub", "fence").orElseThrow();
        assertEquals(1, lesson.steps().size());
        assertTrue(lesson.steps().get(0).html().contains("## not a step"), lesson.steps().get(0).html());
    }

    @Test
    void a_lesson_asks_for_the_company_registry_in_its_setup_and_an_unknown_registry_is_an_error() throws IOException {
        write("01-company.md", "---\ntitle: Company\nsetup:\n  images: [backend:0.1]\n  registries: [company]\n---\n"
                + "## Push\n```check\npushed {{company_repo}}/app:1\nlogged-in {{company_registry}}\n```\n"
                + "```hint\nPush.\n```\n```solution\ndocker push {{company_repo}}/app:1\n```\n");
        write("02-unknown.md", "---\ntitle: Unknown\nsetup:\n  registries: [company, acme]\n---\n## Read\nText.\n");
        write("03-missing.md", "---\ntitle: Missing\n---\n## Read\nPush to {{company_registry}}.\n");
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(root);
        Lesson company = catalog.lesson("hub", "company").orElseThrow();
        assertEquals(List.of("company"), company.registries());
        assertTrue(company.needsCompanyRegistry());
        assertEquals(List.of("backend:0.1"), company.setupImages());
        assertEquals(List.of(
                course.resolve("02-unknown.md") + ":3: unknown registry 'acme' in setup; known: company",
                course.resolve("03-missing.md") + ":5: {{company_registry}} needs the company registry; add"
                        + " 'registries: [company]' under 'setup:' in the front matter"), errors());
    }

    @Test
    void a_page_block_lists_what_the_learner_does_on_the_pages_and_a_bad_line_is_an_error() throws IOException {
        write("01-page.md", "---\ntitle: Page\n---\n## Private\n```page\nprivate {{user}}/app  # the switch\n"
                + "token read-write\nrevoke\n```\n```check\nlogged-in {{registry}}\n```\n```hint\nH.\n```\n");
        write("02-bad.md", "---\ntitle: Bad\n---\n## Step\n```page\nprivate {{repo}}/app:1\ntoken admin\nclick here\n"
                + "revoke now\n```\n```check\nlogged-in {{registry}}\n```\n## Alone\n```page\npublic {{user}}/app\n```\n");
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(root);
        Step step = catalog.lesson("hub", "page").orElseThrow().steps().get(0);
        assertEquals(List.of(new PageAction("private", List.of("{{user}}/app"), 6),
                new PageAction("token", List.of("read-write"), 7), new PageAction("revoke", List.of(), 8)), step.page());
        assertEquals(List.of(
                course.resolve("02-bad.md") + ":6: 'localhost:5000/learner/app:1' is not a repository such as"
                        + " {{user}}/app (no registry, no tag)",
                course.resolve("02-bad.md") + ":7: 'token' takes a scope: read, read-write, read-write-delete",
                course.resolve("02-bad.md") + ":8: unknown page action 'click'; known: private, public, token, revoke",
                course.resolve("02-bad.md") + ":9: 'revoke' takes nothing: it revokes the token the lesson made last",
                course.resolve("02-bad.md") + ":16: a 'page' block belongs to an exercise step, beside its 'check' block"),
                errors());
    }

    private List<String> errors() {
        return new LessonLoader(Verifier.ARGUMENTS).load(root).problems().stream()
                .filter(p -> p.severity() == Problem.Severity.ERROR).map(Problem::toString).toList();
    }

    private List<String> problems() {
        return new LessonLoader(Verifier.ARGUMENTS).load(root).problems().stream().map(Problem::toString).toList();
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(course.resolve(name), text);
    }
}
