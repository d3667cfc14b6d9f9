package dev.dockstep.lesson;

import dev.dockstep.check.Check;
import dev.dockstep.check.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a lessons folder ({@code <course>/index.md} and {@code <course>/NN-slug.md}) into an
 * immutable {@link Catalog}. Problems are collected with file and line, never thrown: a broken
 * lesson is left out and the rest still load.
 */
public final class LessonLoader {
    private static final Pattern LESSON_FILE = Pattern.compile("(\\d+)-([a-z0-9][a-z0-9-]*)\\.md");
    private static final Pattern FENCE_OPEN = Pattern.compile("^ {0,3}(`{3,}|~{3,})\\s*([^`\\s]*)[^`]*$");
    private static final List<String> SPECIAL_BLOCKS = List.of("check", "hint", "solution", "quiz");
    private static final Pattern QUIZ_OPTION = Pattern.compile("^\\s*[-*] \\[([ xX])] (.+)$");

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
        Document doc = Document.read(index, problems);
        if (doc == null) {
            return Optional.empty();
        }
        String title = doc.string("title", problems);
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
        return Optional.of(new Course(dir.getFileName().toString(), title, doc.stringOr("summary", "", problems), lessons));
    }

    Lesson loadLesson(String courseId, int number, String id, Path file, List<Problem> problems) {
        Document doc = Document.read(file, problems);
        if (doc == null) {
            return null;
        }
        String title = doc.string("title", problems);
        if (title == null) {
            problems.add(Problem.error(file, 1, "the lesson has no title in its front matter"));
        }
        reportUnknownVariables(file, doc.lines(), problems);
        List<String> images = doc.setupImages(problems);
        Integer minutes = doc.integer("minutes", problems);
        Body body = Body.parse(file, doc.bodyLines(), doc.bodyStart(), problems);
        if (body.steps().isEmpty()) {
            problems.add(Problem.error(file, doc.bodyStart(), "the lesson has no steps; start each step with a '## ' heading"));
        }
        reportDuplicateSteps(file, body.steps(), problems);
        for (Step step : body.steps()) {
            if (step.kind() == Step.Kind.READING) {
                problems.add(Problem.warning(file, step.line(), "step '" + step.title()
                        + "' has neither a check nor a quiz; it passes when the learner presses Next"));
            }
        }
        return new Lesson(courseId, id, number, title == null ? id : title, doc.stringOr("summary", "", problems),
                minutes, images, body.intro(), body.steps(), file);
    }

    private static void reportUnknownVariables(Path file, List<String> lines, List<Problem> problems) {
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = Variables.REFERENCE.matcher(lines.get(i));
            while (m.find()) {
                if (!Variables.NAMES.contains(m.group(1))) {
                    problems.add(Problem.error(file, i + 1, "unknown variable {{" + m.group(1) + "}}; known: "
                            + String.join(", ", Variables.NAMES.stream().sorted().map(n -> "{{" + n + "}}").toList())));
                }
            }
        }
    }

    private static void reportDuplicateSteps(Path file, List<Step> steps, List<Problem> problems) {
        java.util.Map<String, Step> seen = new java.util.HashMap<>();
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

    /** A markdown file split into its YAML front matter and its body, with line numbers kept. */
    private record Document(Path file, Map<String, Object> meta, List<String> lines, int bodyStartIndex) {
        static Document read(Path file, List<Problem> problems) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(Problem.error(file, 0, "cannot read the file: " + e.getMessage()));
                return null;
            }
            if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
                problems.add(Problem.error(file, 1, "the file must start with front matter between '---' lines"));
                return null;
            }
            int end = -1;
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).strip().equals("---")) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                problems.add(Problem.error(file, 1, "the front matter has no closing '---' line"));
                return null;
            }
            String yaml = String.join("\n", lines.subList(1, end));
            Object parsed;
            try {
                parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            } catch (MarkedYAMLException e) {
                int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 2;
                problems.add(Problem.error(file, line, "the front matter is not valid YAML: " + e.getProblem()));
                return null;
            } catch (YAMLException e) {
                problems.add(Problem.error(file, 2, "the front matter is not valid YAML: " + e.getMessage()));
                return null;
            }
            if (parsed != null && !(parsed instanceof Map)) {
                problems.add(Problem.error(file, 2, "the front matter must be a set of 'key: value' lines"));
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = parsed == null ? Map.of() : (Map<String, Object>) parsed;
            return new Document(file, meta, lines, end + 1);
        }

        List<String> bodyLines() {
            return lines.subList(bodyStartIndex, lines.size());
        }

        /** The 1-based line number of the body's first line. */
        int bodyStart() {
            return bodyStartIndex + 1;
        }

        int lineOf(String key) {
            for (int i = 1; i < bodyStartIndex; i++) {
                if (lines.get(i).startsWith(key + ":")) {
                    return i + 1;
                }
            }
            return 1;
        }

        String string(String key, List<Problem> problems) {
            Object value = meta.get(key);
            if (value == null) {
                return null;
            }
            if (value instanceof Map || value instanceof List) {
                problems.add(Problem.error(file, lineOf(key), "'" + key + "' must be text"));
                return null;
            }
            String text = value.toString().strip();
            return text.isEmpty() ? null : text;
        }

        String stringOr(String key, String fallback, List<Problem> problems) {
            String value = string(key, problems);
            return value == null ? fallback : value;
        }

        Integer integer(String key, List<Problem> problems) {
            Object value = meta.get(key);
            if (value == null) {
                return null;
            }
            if (value instanceof Integer i && i > 0) {
                return i;
            }
            problems.add(Problem.error(file, lineOf(key), "'" + key + "' must be a whole number of minutes"));
            return null;
        }

        List<String> setupImages(List<Problem> problems) {
            Object setup = meta.get("setup");
            if (setup == null) {
                return List.of();
            }
            if (setup instanceof Map<?, ?> map && map.get("images") instanceof List<?> list) {
                List<String> images = new ArrayList<>();
                for (Object item : list) {
                    String ref = String.valueOf(item);
                    if (!ref.matches("[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
                        problems.add(Problem.error(file, lineOf("setup"), "setup image '" + ref
                                + "' must be written name:tag, in lowercase"));
                    } else {
                        images.add(ref);
                    }
                }
                return images;
            }
            problems.add(Problem.error(file, lineOf("setup"), "'setup' must hold 'images: [name:tag, ...]'"));
            return List.of();
        }
    }

    /** The body split into the intro and its steps. */
    private record Body(String intro, List<Step> steps) {
        static Body parse(Path file, List<String> lines, int firstLine, List<Problem> problems) {
            StringBuilder intro = new StringBuilder();
            List<StepBuilder> steps = new ArrayList<>();
            StepBuilder current = null;
            String fence = null;
            String fenceInfo = null;
            int fenceLine = 0;
            StringBuilder fenced = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int number = firstLine + i;
                StringBuilder text = current == null ? intro : current.markdown;
                if (fence != null) {
                    String stripped = line.strip();
                    char fenceChar = fence.charAt(0);
                    if (stripped.startsWith(fence) && stripped.chars().allMatch(c -> c == fenceChar)) {
                        if (SPECIAL_BLOCKS.contains(fenceInfo)) {
                            if (current == null) {
                                problems.add(Problem.error(file, fenceLine, "a '" + fenceInfo
                                        + "' block must stand inside a step, after a '## ' heading"));
                            } else {
                                current.add(fenceInfo, fenced.toString(), fenceLine, file, problems);
                            }
                        } else {
                            text.append(fenced).append(line).append('\n');
                        }
                        fence = null;
                        fenced.setLength(0);
                    } else {
                        fenced.append(line).append('\n');
                    }
                    continue;
                }
                Matcher open = FENCE_OPEN.matcher(line);
                if (open.matches()) {
                    fence = open.group(1);
                    fenceInfo = open.group(2).toLowerCase();
                    fenceLine = number;
                    if (!SPECIAL_BLOCKS.contains(fenceInfo)) {
                        fenced.append(line).append('\n');
                    }
                } else if (line.startsWith("## ")) {
                    current = new StepBuilder(line.substring(3).strip(), number);
                    steps.add(current);
                } else {
                    text.append(line).append('\n');
                }
            }
            if (fence != null) {
                problems.add(Problem.error(file, fenceLine, "this code fence is never closed; add a line with " + fence));
            }
            return new Body(intro.toString().strip(), steps.stream().map(step -> step.build(file, problems)).toList());
        }
    }

    private static final class StepBuilder {
        final String title;
        final int line;
        final StringBuilder markdown = new StringBuilder();
        final List<Check> checks = new ArrayList<>();
        final List<String> hints = new ArrayList<>();
        String solution = "";
        Quiz quiz;
        int quizLine;

        StepBuilder(String title, int line) {
            this.title = title;
            this.line = line;
        }

        void add(String block, String content, int fenceLine, Path file, List<Problem> problems) {
            switch (block) {
                case "check" -> parseChecks(content, fenceLine, file, problems);
                case "hint" -> hints.add(content.strip());
                case "solution" -> solution = content.strip();
                case "quiz" -> parseQuiz(content, fenceLine, file, problems);
                default -> throw new IllegalStateException("not a special block: " + block);
            }
        }

        private void parseQuiz(String content, int fenceLine, Path file, List<Problem> problems) {
            if (quiz != null) {
                problems.add(Problem.error(file, fenceLine, "a step holds one quiz; this one follows the quiz at line "
                        + quizLine));
                return;
            }
            StringBuilder question = new StringBuilder();
            List<Quiz.Option> options = new ArrayList<>();
            for (String line : content.split("\n", -1)) {
                Matcher option = QUIZ_OPTION.matcher(line);
                if (option.matches()) {
                    options.add(new Quiz.Option(option.group(2).strip(), !option.group(1).isBlank()));
                } else if (options.isEmpty()) {
                    question.append(line).append('\n');
                } else if (!line.isBlank()) {
                    options.set(options.size() - 1, new Quiz.Option(options.get(options.size() - 1).text() + " "
                            + line.strip(), options.get(options.size() - 1).right()));
                }
            }
            if (question.toString().isBlank()) {
                problems.add(Problem.error(file, fenceLine, "the quiz has no question before its options"));
            }
            if (options.size() < 2) {
                problems.add(Problem.error(file, fenceLine, "the quiz needs at least two options, written '- [ ] wrong'"
                        + " and '- [x] right'"));
            } else if (options.stream().noneMatch(Quiz.Option::right)) {
                problems.add(Problem.error(file, fenceLine, "the quiz has no right answer; mark it '- [x] ...'"));
            }
            quiz = new Quiz(question.toString().strip(), options);
            quizLine = fenceLine;
        }

        private void parseChecks(String content, int fenceLine, Path file, List<Problem> problems) {
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].replaceFirst("(^|\\s)#.*$", "").strip();
                if (line.isEmpty()) {
                    continue;
                }
                int number = fenceLine + 1 + i;
                String[] words = line.split("\\s+");
                Check check = new Check(words[0], Arrays.asList(words).subList(1, words.length), number);
                // Arguments are judged as a learner would have them, with sample values for the variables.
                Variables sample = Variables.sample();
                Verifier.argumentProblem(check.kind(), check.args().stream().map(sample::apply).toList())
                        .ifPresent(problem -> problems.add(Problem.error(file, number, problem
                                + (check.args().stream().anyMatch(a -> a.contains("{{")) ? " (with sample values "
                                + sample.asMap() + ")" : ""))));
                checks.add(check);
            }
        }

        Step build(Path file, List<Problem> problems) {
            if (quiz != null && (!checks.isEmpty() || !solution.isEmpty())) {
                problems.add(Problem.error(file, quizLine, "step '" + title
                        + "' has a quiz and also checks or a solution; a step is either an exercise or a quiz"));
            }
            return new Step(slug(title), title, markdown.toString().strip(), checks, hints, solution,
                    Optional.ofNullable(quiz), line);
        }
    }
}
