package dev.dockstep.lesson;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockstep.check.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One folder per lesson-format case, as mdBook keeps its test suite: each folder under
 * {@code src/test/resources/lesson-cases} is a lessons folder, and its {@code expected.txt} is
 * everything the loader makes of it (every problem, course, lesson, step, check, hint,
 * solution, quiz, and the HTML the page shows). Run with {@code -Dlesson.cases.write=true} to
 * write the snapshots of new cases, then read them before committing.
 */
class LessonCasesTest {
    private static final Path CASES = Path.of("src/test/resources/lesson-cases");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void the_loader_reads_each_case_as_its_snapshot_says(String name) throws IOException {
        Path dir = CASES.resolve(name);
        String actual = snapshot(dir, new LessonLoader(Verifier.ARGUMENTS).load(dir));
        Path expected = dir.resolve("expected.txt");
        if (Boolean.getBoolean("lesson.cases.write")) {
            Files.writeString(expected, actual);
        }
        assertEquals(Files.readString(expected), actual, "the snapshot " + expected);
    }

    /** A readable account of a catalog, with paths relative to {@code root}. */
    static String snapshot(Path root, Catalog catalog) {
        StringBuilder out = new StringBuilder();
        out.append("problems:\n");
        for (Problem problem : catalog.problems()) {
            out.append("  ").append(root.relativize(problem.file())).append(':').append(problem.line()).append(": ")
                    .append(problem.severity() == Problem.Severity.WARNING ? "warning: " : "")
                    .append(problem.message()).append('\n');
        }
        for (Course course : catalog.courses()) {
            out.append("course ").append(course.id()).append(": ").append(course.title())
                    .append(course.summary().isEmpty() ? "" : " | " + course.summary()).append('\n');
            for (Lesson lesson : course.lessons()) {
                out.append("  lesson ").append(lesson.id()).append(" (").append(lesson.number()).append("): ")
                        .append(lesson.title()).append(lesson.summary().isEmpty() ? "" : " | " + lesson.summary())
                        .append(lesson.minutes() == null ? "" : " | " + lesson.minutes() + " min")
                        .append(lesson.setupImages().isEmpty() ? "" : " | setup " + lesson.setupImages())
                        .append(lesson.lessHelp() ? " | help: less" : "").append('\n');
                block(out, "    intro:", lesson.introHtml());
                for (Step step : lesson.steps()) {
                    out.append("    step ").append(step.id()).append(" \"").append(step.title()).append("\" (line ")
                            .append(step.line()).append(", ").append(step.kind().name().toLowerCase()).append(")\n");
                    for (Check check : step.checks()) {
                        out.append("      check ").append(check).append(" (line ").append(check.line()).append(")\n");
                    }
                    step.hints().forEach(hint -> block(out, "      hint:", hint));
                    block(out, "      solution:", step.solution());
                    step.quiz().ifPresent(quiz -> {
                        block(out, "      quiz:", quiz.question());
                        for (Quiz.Option option : quiz.options()) {
                            out.append("        ").append(option.right() ? "[x] " : "[ ] ").append(option.text())
                                    .append('\n');
                        }
                    });
                    block(out, "      html:", step.html());
                }
            }
        }
        return out.toString();
    }

    /** A multi-line value under its label, each line indented; nothing for an empty one. */
    private static void block(StringBuilder out, String label, String text) {
        if (text.isEmpty()) {
            return;
        }
        out.append(label).append('\n');
        String indent = " ".repeat(label.indexOf(label.strip()) + 2);
        List<String> lines = text.lines().toList();
        for (String line : lines) {
            out.append(line.isEmpty() ? "" : indent + line.replace("\r", "\\r")).append('\n');
        }
    }
}
