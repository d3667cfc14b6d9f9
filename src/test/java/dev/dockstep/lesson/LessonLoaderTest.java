package dev.dockstep.lesson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        Catalog catalog = new LessonLoader().load(root);
        assertEquals(List.of(), catalog.problems());
        Lesson lesson = catalog.lesson("hub", "tag").orElseThrow();
        assertEquals("Tag", lesson.title());
        assertEquals(5, lesson.minutes());
        assertEquals(List.of("backend:0.1", "frontend:0.1"), lesson.setupImages());
        assertEquals("Intro text.", lesson.intro());
        assertEquals(2, lesson.steps().size());
        Step first = lesson.steps().get(0);
        assertEquals("first-step", first.id());
        assertEquals(9, first.line());
        assertEquals("image", first.checks().get(0).kind());
        assertEquals(List.of("{{repo}}/backend:0.1"), first.checks().get(0).args());
        assertEquals(19, first.checks().get(0).line());
        assertEquals(List.of("Try harder."), first.hints());
        assertEquals("docker tag backend:0.1 {{repo}}/backend:0.1", first.solution());
        assertTrue(first.markdown().contains("```sh\ndocker tag a b\n```"), first.markdown());
        assertTrue(!first.markdown().contains("```check"), "check blocks are not shown");
        assertEquals(List.of(), lesson.steps().get(1).checks());
        assertEquals(List.of("backend:0.1", "frontend:0.1"), catalog.setupImages());
    }

    @Test
    void an_unknown_check_kind_and_a_wrong_argument_count_are_reported_at_their_lines() throws IOException {
        write("01-bad.md", "---\ntitle: Bad\n---\n## Step\n```check\nimagee x\nimage\n```\n");
        Catalog catalog = new LessonLoader().load(root);
        assertEquals(List.of(
                course.resolve("01-bad.md") + ":6: unknown check kind 'imagee'; known kinds: image",
                course.resolve("01-bad.md") + ":7: 'image' takes 1 argument(s) (image ref), found 0"),
                catalog.problems().stream().map(Problem::toString).toList());
        assertTrue(catalog.lesson("hub", "bad").isEmpty(), "a broken lesson is not served");
    }

    @Test
    void an_unterminated_fence_points_at_its_opening_line() throws IOException {
        write("01-open.md", "---\ntitle: Open\n---\n## Step\ntext\n```sh\ndocker ps\n");
        assertEquals(List.of(course.resolve("01-open.md") + ":6: this code fence is never closed; add a line with ```"),
                problems());
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
    void a_heading_inside_a_code_fence_does_not_start_a_step() throws IOException {
        write("01-fence.md", "---\ntitle: Fence\n---\n## Real\n```md\n## not a step\n```\n");
        Lesson lesson = new LessonLoader().load(root).lesson("hub", "fence").orElseThrow();
        assertEquals(1, lesson.steps().size());
        assertTrue(lesson.steps().get(0).markdown().contains("## not a step"));
    }

    private List<String> problems() {
        return new LessonLoader().load(root).problems().stream().map(Problem::toString).toList();
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(course.resolve(name), text);
    }
}
