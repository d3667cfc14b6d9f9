package dev.dockstep.lesson;

import com.vladsch.flexmark.util.ast.Document;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a lessons folder ({@code <course>/index.md} and {@code <course>/NN-slug.md}) into an
 * immutable {@link Catalog}. Each file is parsed once, by flexmark (see {@link LessonRenderer}):
 * its front matter, steps, special blocks and their lines all come from that one tree. Problems
 * are collected with file and line, never thrown: a broken lesson is left out and the rest still
 * load.
 */
public final class LessonLoader {
    private static final Pattern LESSON_FILE = Pattern.compile("(\\d+)-([a-z0-9][a-z0-9-]*)\\.md");

    private final CheckArguments arguments;
    private final LessonRenderer markdown = new LessonRenderer();

    /** @param arguments the rules for check arguments, which the check engine knows */
    public LessonLoader(CheckArguments arguments) {
        this.arguments = arguments;
    }

    /** Loads every course below {@code root}. */
    public Catalog load(Path root) {
        List<Course> courses = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            problems.add(Problem.error(root, 0, "no lessons folder here"));
            return new Catalog(courses, problems);
        }
        for (Path dir : list(root, problems).stream().filter(Files::isDirectory).sorted().toList()) {
            loadCourse(dir, problems).ifPresent(courses::add);
        }
        return new Catalog(courses, problems);
    }

    private Optional<Course> loadCourse(Path dir, List<Problem> problems) {
        Path index = dir.resolve("index.md");
        if (!Files.isRegularFile(index)) {
            problems.add(Problem.error(index, 0, "a course folder needs an index.md with a title"));
            return Optional.empty();
        }
        Optional<Parsed> parsed = read(index, problems);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        FrontMatter meta = parsed.get().meta();
        String title = meta.string("title", problems);
        if (title == null) {
            problems.add(Problem.error(index, 1, "the course has no title in its front matter"));
            return Optional.empty();
        }
        List<Lesson> lessons = new ArrayList<>();
        for (Path file : list(dir, problems).stream().sorted().toList()) {
            Matcher m = LESSON_FILE.matcher(file.getFileName().toString());
            if (m.matches()) {
                int before = problems.size();
                Lesson lesson = loadLesson(dir.getFileName().toString(), Integer.parseInt(m.group(1)), m.group(2), file, problems);
                boolean broken = problems.subList(before, problems.size()).stream()
                        .anyMatch(p -> p.severity() == Problem.Severity.ERROR);
                if (lesson != null && !broken) {
                    lessons.add(lesson);
                }
            }
        }
        boolean free = meta.oneOf("order", List.of("course", "free"), problems).equals("free");
        return Optional.of(new Course(dir.getFileName().toString(), title, meta.stringOr("summary", "", problems), lessons,
                free));
    }

    Lesson loadLesson(String courseId, int number, String id, Path file, List<Problem> problems) {
        Optional<Parsed> parsed = read(file, problems);
        if (parsed.isEmpty()) {
            return null;
        }
        FrontMatter meta = parsed.get().meta();
        String title = meta.string("title", problems);
        if (title == null) {
            problems.add(Problem.error(file, 1, "the lesson has no title in its front matter"));
        }
        List<String> images = meta.setupImages(problems);
        List<String> registries = meta.setupRegistries(problems);
        reportUnknownVariables(file, parsed.get().text().lines().toList(), registries.contains("company"), problems);
        Integer minutes = meta.integer("minutes", problems);
        LessonBody.Parsed body = LessonBody.parse(file, parsed.get().tree(), markdown, arguments, problems);
        if (body.steps().isEmpty()) {
            problems.add(Problem.error(file, meta.bodyStart(), "the lesson has no steps; start each step with a '## ' heading"));
        }
        reportDuplicateSteps(file, body.steps(), problems);
        for (Step step : body.steps()) {
            if (step.kind() == Step.Kind.READING) {
                problems.add(Problem.warning(file, step.line(), "step '" + step.title()
                        + "' has neither a check nor a quiz; it passes when the learner presses Next"));
            }
        }
        return new Lesson(courseId, id, number, title == null ? id : title, meta.stringOr("summary", "", problems),
                minutes, images, registries, body.introHtml(), body.steps(), file, meta.lessHelp(problems));
    }

    /** A file's text, flexmark's one tree of it, and its front matter. */
    private record Parsed(String text, Document tree, FrontMatter meta) {
    }

    private Optional<Parsed> read(Path file, List<Problem> problems) {
        String text;
        try {
            // One kind of line end, so that no '\r' reaches a solution's shell or a check's argument.
            text = Files.readString(file).replace("\r\n", "\n");
        } catch (IOException e) {
            problems.add(Problem.error(file, 0, "cannot read the file: " + e.getMessage()));
            return Optional.empty();
        }
        Document tree = markdown.parseFile(text);
        return FrontMatter.read(file, tree, problems).map(meta -> new Parsed(text, tree, meta));
    }

    private static void reportUnknownVariables(Path file, List<String> lines, boolean company, List<Problem> problems) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = Variables.REFERENCE.matcher(lines.get(i));
            while (m.find()) {
                if (Variables.COMPANY_NAMES.contains(m.group(1)) && !company) {
                    problems.add(Problem.error(file, i + 1, "{{" + m.group(1) + "}} needs the company registry; add"
                            + " 'registries: [company]' under 'setup:' in the front matter"));
                } else if (!Variables.NAMES.contains(m.group(1))) {
                    problems.add(Problem.error(file, i + 1, "unknown variable {{" + m.group(1) + "}}; known: "
                            + String.join(", ", Variables.NAMES.stream().sorted().map(n -> "{{" + n + "}}").toList())));
                }
            }
        }
    }

    private static void reportDuplicateSteps(Path file, List<Step> steps, List<Problem> problems) {
        Map<String, Step> seen = new HashMap<>();
        for (Step step : steps) {
            Step earlier = seen.putIfAbsent(step.id(), step);
            if (earlier != null) {
                problems.add(Problem.error(file, step.line(), "the step title '" + step.title()
                        + "' repeats the step at line " + earlier.line() + "; step titles must differ"));
            }
        }
    }

    private static List<Path> list(Path dir, List<Problem> problems) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            problems.add(Problem.error(dir, 0, "cannot read the folder: " + e.getMessage()));
            return List.of();
        }
    }

    static String slug(String title) {
        String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return slug.isEmpty() ? "step" : slug;
    }
}
