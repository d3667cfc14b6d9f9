package dev.dockstep.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an instructor sees of a class: every learner against every lesson and step, how many
 * reached, passed and are stuck on each, the most common reason a step fails, and one learner
 * in detail.
 *
 * <p>A learner is <em>stuck</em> on a step when it is where they are (their latest attempt or
 * pass, anywhere in the catalog, was there), they have tried it (clicked Check or answered; a
 * live re-check is no attempt), it has not passed, and their first try was at least
 * {@link #STUCK_AFTER} ago. A learner who moved on to another lesson is not stuck where they left.
 */
public final class ClassReport {
    /** How long a learner may try a step before the instructor should look. */
    public static final Duration STUCK_AFTER = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHORT_TITLE = 28;

    /**
     * One step of the catalog, in course order.
     *
     * @param title the lesson's title and the step's, for tooltips and the CSV
     * @param label the lesson's place in its course and the step's in its lesson: {@code 4.2}
     * @param shortTitle the step's title, cut to fit a column
     */
    public record StepKey(String course, String lesson, String step, String title, String label, String shortTitle) {
        public String id() {
            return course + "/" + lesson + "/" + step;
        }
    }

    /** One lesson of the catalog, in course order, with its steps. */
    public record LessonKey(String course, String lesson, int number, String title, String shortTitle,
                            List<StepKey> steps) {
        public String id() {
            return course + "/" + lesson;
        }
    }

    /**
     * One cell of the grid.
     *
     * @param status {@code passed} or {@code attempted}
     * @param live passed on a Docker event before any attempt
     * @param lastFailure the first failed check's reason in the learner's latest failed attempt, or null
     */
    public record Cell(String status, int attempts, boolean live, boolean stuck, String lastFailure) {
        /** The last failure as plain text, for a tooltip; empty when there is none. */
        public String plainLastFailure() {
            return lastFailure == null ? "" : plain(lastFailure);
        }
    }

    /**
     * A learner's lesson, folded.
     *
     * @param status {@code done}, {@code stuck}, {@code started} or {@code none}
     */
    public record LessonCell(int passed, int steps, String status) {
    }

    /** Per step: learners who reached it, passed it, and are stuck on it. */
    public record Funnel(StepKey step, int reached, int passed, int stuck, String commonFailure, int commonFailureCount) {
    }

    /** Per lesson: learners who reached any of its steps, passed them all, and are stuck in it. */
    public record LessonFunnel(LessonKey lesson, int reached, int passed, int stuck) {
    }

    /**
     * The whole report. {@code grid} maps learner → step id → cell, {@code lessonGrid} learner →
     * lesson id → cell, {@code at} learner → the step id where they are (absent before any work).
     */
    public record Report(List<StepKey> steps, List<LessonKey> lessons, List<String> learners,
                         Map<String, Map<String, Cell>> grid, Map<String, Map<String, LessonCell>> lessonGrid,
                         Map<String, String> at, List<Funnel> funnel, List<LessonFunnel> lessonFunnel) {
    }

    /** One learner in detail, for the instructor who helps them. */
    public record LearnerReport(String learner, List<LessonDetail> lessons, StepKey at, Long lastActiveAt) {
    }

    public record LessonDetail(LessonKey lesson, LessonCell cell, List<StepDetail> steps) {
    }

    /**
     * One step of one learner.
     *
     * @param cell null when they have not reached it
     * @param firstAttemptAt null when they passed it before any attempt (live) or never tried it
     * @param lastChecks the checks of their latest verdict, newest first
     */
    public record StepDetail(StepKey step, Cell cell, Long firstAttemptAt, Long passedAt, Long lastAttemptAt,
                             List<CheckLine> lastChecks) {
    }

    /** One check of a recorded verdict. */
    public record CheckLine(String check, String status, String reason) {
    }

    private final ProgressStore store;
    private final Clock clock;

    public ClassReport(ProgressStore store) {
        this(store, Clock.systemUTC());
    }

    /** @param clock what "for a while" is measured against */
    public ClassReport(ProgressStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @param learners the names of the class's learners (instructors are not in the grid) */
    public Report build(Catalog catalog, List<String> learners) {
        List<LessonKey> lessons = lessons(catalog);
        List<StepKey> steps = lessons.stream().flatMap(l -> l.steps().stream()).toList();
        Facts facts = facts(learners);
        Map<String, Map<String, Cell>> grid = new LinkedHashMap<>();
        for (String learner : learners) {
            grid.put(learner, facts.cells(learner, clock.millis()));
        }
        Map<String, Map<String, LessonCell>> lessonGrid = new LinkedHashMap<>();
        for (String learner : learners) {
            Map<String, LessonCell> cells = new LinkedHashMap<>();
            for (LessonKey lesson : lessons) {
                cells.put(lesson.id(), fold(lesson, grid.get(learner)));
            }
            lessonGrid.put(learner, cells);
        }
        List<Funnel> funnel = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            StepKey step = steps.get(i);
            StepKey previous = i == 0 || !steps.get(i - 1).lesson().equals(step.lesson()) ? null : steps.get(i - 1);
            int reached = 0;
            int passed = 0;
            int stuck = 0;
            for (String learner : learners) {
                Map<String, Cell> cells = grid.get(learner);
                Cell cell = cells.get(step.id());
                // A learner reached a step when they tried it, or passed the one before it.
                boolean reachedIt = cell != null || (previous != null && Optional.ofNullable(cells.get(previous.id()))
                        .map(c -> c.status().equals("passed")).orElse(false));
                reached += reachedIt ? 1 : 0;
                passed += cell != null && cell.status().equals("passed") ? 1 : 0;
                stuck += cell != null && cell.stuck() ? 1 : 0;
            }
            Map.Entry<String, Long> common = commonFailure(step);
            funnel.add(new Funnel(step, reached, passed, stuck, common == null ? null : common.getKey(),
                    common == null ? 0 : common.getValue().intValue()));
        }
        List<LessonFunnel> lessonFunnel = new ArrayList<>();
        for (LessonKey lesson : lessons) {
            int reached = 0;
            int passed = 0;
            int stuck = 0;
            for (String learner : learners) {
                LessonCell cell = lessonGrid.get(learner).get(lesson.id());
                reached += cell.status().equals("none") ? 0 : 1;
                passed += cell.status().equals("done") ? 1 : 0;
                stuck += cell.status().equals("stuck") ? 1 : 0;
            }
            lessonFunnel.add(new LessonFunnel(lesson, reached, passed, stuck));
        }
        Map<String, String> at = new LinkedHashMap<>();
        learners.forEach(learner -> facts.at(learner).ifPresent(step -> at.put(learner, step)));
        return new Report(steps, lessons, learners, grid, lessonGrid, at, funnel, lessonFunnel);
    }

    /**
     * One learner's steps, attempts and last verdicts, in course order; empty when nobody has that name.
     *
     * @param everyone the names of every account, learners and instructors
     */
    public Optional<LearnerReport> learner(Catalog catalog, List<String> everyone, String name) {
        if (!everyone.contains(name)) {
            return Optional.empty();
        }
        Facts facts = facts(List.of(name));
        Map<String, Cell> cells = facts.cells(name, clock.millis());
        Map<String, StepKey> byId = new HashMap<>();
        List<LessonDetail> lessons = new ArrayList<>();
        for (LessonKey lesson : lessons(catalog)) {
            List<StepDetail> steps = new ArrayList<>();
            for (StepKey step : lesson.steps()) {
                byId.put(step.id(), step);
                Optional<StepProgress> row = facts.row(name, step.id());
                steps.add(new StepDetail(step, cells.get(step.id()),
                        row.filter(r -> r.attempts() > 0).map(StepProgress::firstAttemptAt).orElse(null),
                        row.map(StepProgress::passedAt).orElse(null),
                        facts.lastAttempt(name, step.id()).map(ProgressStore.LastAttempt::at).orElse(null),
                        row.map(r -> checks(r.lastVerdict())).orElse(List.of())));
            }
            lessons.add(new LessonDetail(lesson, fold(lesson, cells), steps));
        }
        StepKey at = facts.at(name).map(byId::get).orElse(null);
        return Optional.of(new LearnerReport(name, lessons, at, facts.lastActive.get(name)));
    }

    /** The catalog's lessons and steps in course order, numbered as the dashboard shows them. */
    private static List<LessonKey> lessons(Catalog catalog) {
        List<LessonKey> lessons = new ArrayList<>();
        for (Course course : catalog.courses()) {
            int number = 0;
            for (Lesson lesson : course.lessons()) {
                number++;
                List<StepKey> steps = new ArrayList<>();
                int stepNumber = 0;
                for (Step step : lesson.steps()) {
                    stepNumber++;
                    steps.add(new StepKey(course.id(), lesson.id(), step.id(), lesson.title() + " · " + step.title(),
                            number + "." + stepNumber, shorten(step.title())));
                }
                lessons.add(new LessonKey(course.id(), lesson.id(), number, lesson.title(), shorten(lesson.title()),
                        List.copyOf(steps)));
            }
        }
        return lessons;
    }

    static String shorten(String title) {
        if (title.length() <= SHORT_TITLE) {
            return title;
        }
        int cut = title.lastIndexOf(' ', SHORT_TITLE - 1);
        return title.substring(0, cut > SHORT_TITLE / 2 ? cut : SHORT_TITLE - 1).strip() + "…";
    }

    private static LessonCell fold(LessonKey lesson, Map<String, Cell> cells) {
        int passed = 0;
        boolean stuck = false;
        boolean started = false;
        for (StepKey step : lesson.steps()) {
            Cell cell = cells.get(step.id());
            if (cell != null) {
                started = true;
                passed += cell.status().equals("passed") ? 1 : 0;
                stuck |= cell.stuck();
            }
        }
        String status = !lesson.steps().isEmpty() && passed == lesson.steps().size() ? "done"
                : stuck ? "stuck" : started ? "started" : "none";
        return new LessonCell(passed, lesson.steps().size(), status);
    }

    /** What the store knows of some learners, read once for a report. */
    private Facts facts(List<String> learners) {
        java.util.Set<String> wanted = java.util.Set.copyOf(learners);
        Facts facts = new Facts();
        for (ProgressStore.LastAttempt last : store.lastAttempts()) {
            if (wanted.contains(last.learner())) {
                facts.lastAttempts.computeIfAbsent(last.learner(), k -> new HashMap<>())
                        .put(last.course() + "/" + last.lesson() + "/" + last.step(), last);
            }
        }
        for (ProgressStore.LearnerStep row : store.everyone()) {
            if (wanted.contains(row.learner())) {
                facts.add(row.learner(), row.progress());
            }
        }
        return facts;
    }

    /** Progress rows and last attempts, per learner and step id ({@code course/lesson/step}). */
    private static final class Facts {
        final Map<String, Map<String, StepProgress>> rows = new HashMap<>();
        final Map<String, Map<String, ProgressStore.LastAttempt>> lastAttempts = new HashMap<>();
        /** Per learner: the step of their latest attempt or pass, and when that was. */
        final Map<String, String> latest = new HashMap<>();
        final Map<String, Long> lastActive = new HashMap<>();

        void add(String learner, StepProgress row) {
            String step = row.course() + "/" + row.lesson() + "/" + row.step();
            rows.computeIfAbsent(learner, k -> new LinkedHashMap<>()).put(step, row);
            long active = Math.max(lastAttempt(learner, step).map(ProgressStore.LastAttempt::at).orElse(Long.MIN_VALUE),
                    row.passedAt() == null ? Long.MIN_VALUE : row.passedAt());
            if (active != Long.MIN_VALUE && active >= lastActive.getOrDefault(learner, Long.MIN_VALUE)) {
                lastActive.put(learner, active);
                latest.put(learner, step);
            }
        }

        Optional<StepProgress> row(String learner, String step) {
            return Optional.ofNullable(rows.getOrDefault(learner, Map.of()).get(step));
        }

        Optional<ProgressStore.LastAttempt> lastAttempt(String learner, String step) {
            return Optional.ofNullable(lastAttempts.getOrDefault(learner, Map.of()).get(step));
        }

        /** The step id where a learner is: that of their latest attempt or pass. */
        Optional<String> at(String learner) {
            return Optional.ofNullable(latest.get(learner));
        }

        Map<String, Cell> cells(String learner, long now) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            rows.getOrDefault(learner, Map.of()).forEach((step, row) -> {
                boolean passed = row.status() == StepStatus.PASSED;
                boolean stuck = !passed && row.attempts() > 0 && step.equals(latest.get(learner))
                        && now - row.firstAttemptAt() >= STUCK_AFTER.toMillis();
                String failure = lastAttempt(learner, step).map(ProgressStore.LastAttempt::lastFailedVerdict)
                        .flatMap(verdict -> firstFailure(verdict, false)).orElse(null);
                cells.put(step, new Cell(passed ? "passed" : "attempted", row.attempts(), passed && row.attempts() == 0,
                        stuck, failure));
            });
            return cells;
        }
    }

    /** The most frequent reason among a step's failed attempts, with learners' names made alike. */
    private Map.Entry<String, Long> commonFailure(StepKey step) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String verdict : store.failedVerdicts(step.course(), step.lesson(), step.step())) {
            firstFailure(verdict, true).ifPresent(reason -> counts.merge(reason, 1L, Long::sum));
        }
        return counts.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElse(null);
    }

    /**
     * The reason of a recorded verdict's first failed check; with {@code alike}, the learner's
     * name in it becomes {@code {user}}, so that everyone's same mistake counts as one.
     */
    static Optional<String> firstFailure(String verdictJson, boolean alike) {
        try {
            JsonNode verdict = JSON.readTree(verdictJson);
            for (JsonNode check : verdict.path("checks")) {
                if (!check.path("status").asText().equals("passed")) {
                    String learner = verdict.path("learner").asText("");
                    String reason = check.path("reason").asText();
                    return Optional.of(learner.isEmpty() || !alike ? reason
                            : reason.replace("/" + learner + "/", "/{user}/"));
                }
            }
        } catch (Exception e) {
            // an unreadable verdict has no reason to count
        }
        return Optional.empty();
    }

    /** The checks of a recorded verdict; none when it cannot be read. */
    private static List<CheckLine> checks(String verdictJson) {
        List<CheckLine> checks = new ArrayList<>();
        try {
            for (JsonNode check : JSON.readTree(verdictJson).path("checks")) {
                checks.add(new CheckLine(check.path("check").asText(), check.path("status").asText(),
                        check.path("reason").asText()));
            }
        } catch (Exception e) {
            // an unreadable verdict shows no checks
        }
        return checks;
    }

    /**
     * The grid as CSV: one row per learner and step they have reached, learners in the report's
     * order and steps in course order, with the reason of their latest failed attempt there.
     */
    public String csv(Catalog catalog, List<String> learners) {
        Report report = build(catalog, learners);
        Facts facts = facts(report.learners());
        StringBuilder csv = new StringBuilder("learner,course,lesson,step,status,attempts,first_attempt_at,passed_at,"
                + "last_failure\n");
        for (String learner : report.learners()) {
            for (StepKey step : report.steps()) {
                Optional<StepProgress> row = facts.row(learner, step.id());
                if (row.isEmpty()) {
                    continue;
                }
                StepProgress p = row.get();
                Cell cell = report.grid().get(learner).get(step.id());
                csv.append(String.join(",", cell(learner), cell(p.course()), cell(p.lesson()), cell(p.step()),
                        p.status().name().toLowerCase(), Integer.toString(p.attempts()),
                        p.attempts() == 0 ? "" : java.time.Instant.ofEpochMilli(p.firstAttemptAt()).toString(),
                        p.passedAt() == null ? "" : java.time.Instant.ofEpochMilli(p.passedAt()).toString(),
                        cell.lastFailure() == null ? "" : cell(plain(cell.lastFailure())))).append('\n');
            }
        }
        return csv.toString();
    }

    /** A reason's markdown as plain text: code spans lose their backticks. */
    static String plain(String markdown) {
        return markdown.replace("`", "");
    }

    /** Quotes a CSV field, and defuses a leading formula character for spreadsheets. */
    static String cell(String value) {
        String safe = value.matches("^[=+\\-@].*") ? "'" + value : value;
        return safe.matches("(?s).*[,\"\\n\\r].*") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
