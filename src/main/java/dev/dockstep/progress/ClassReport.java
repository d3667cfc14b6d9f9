package dev.dockstep.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What an instructor sees of a class: every learner against every step, how many reached,
 * passed and are stuck on each step, and the most common reason a step fails.
 */
public final class ClassReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One step of the catalog, in course order. */
    public record StepKey(String course, String lesson, String step, String title) {
        String id() {
            return course + "/" + lesson + "/" + step;
        }
    }

    /** One cell of the grid. */
    public record Cell(String status, int attempts) {
    }

    /** Per step: learners who reached it, passed it, and reached it without passing. */
    public record Funnel(StepKey step, int reached, int passed, int stuck, String commonFailure, int commonFailureCount) {
    }

    /** The whole report. {@code grid} maps learner → step id → cell. */
    public record Report(List<StepKey> steps, List<String> learners, Map<String, Map<String, Cell>> grid,
                         List<Funnel> funnel) {
    }

    private final ProgressStore store;

    public ClassReport(ProgressStore store) {
        this.store = store;
    }

    /** @param learners the names of the class's learners (instructors are not in the grid) */
    public Report build(Catalog catalog, List<String> learners) {
        List<StepKey> steps = new ArrayList<>();
        for (Course course : catalog.courses()) {
            for (Lesson lesson : course.lessons()) {
                for (Step step : lesson.steps()) {
                    steps.add(new StepKey(course.id(), lesson.id(), step.id(), lesson.title() + " · " + step.title()));
                }
            }
        }
        Map<String, Map<String, Cell>> grid = new LinkedHashMap<>();
        learners.forEach(name -> grid.put(name, new LinkedHashMap<>()));
        for (ProgressStore.LearnerStep row : store.everyone()) {
            Map<String, Cell> cells = grid.get(row.learner());
            if (cells != null) {
                StepProgress p = row.progress();
                cells.put(p.course() + "/" + p.lesson() + "/" + p.step(),
                        new Cell(p.status().name().toLowerCase(), p.attempts()));
            }
        }
        List<Funnel> funnel = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            StepKey step = steps.get(i);
            StepKey previous = i == 0 || !steps.get(i - 1).lesson().equals(step.lesson()) ? null : steps.get(i - 1);
            int reached = 0;
            int passed = 0;
            for (String learner : learners) {
                Map<String, Cell> cells = grid.get(learner);
                Cell cell = cells.get(step.id());
                boolean isPassed = cell != null && cell.status().equals("passed");
                // A learner reached a step when they tried it, or passed the one before it.
                boolean reachedIt = cell != null || (previous != null && Optional.ofNullable(cells.get(previous.id()))
                        .map(c -> c.status().equals("passed")).orElse(false));
                reached += reachedIt ? 1 : 0;
                passed += isPassed ? 1 : 0;
            }
            Map.Entry<String, Long> common = commonFailure(step);
            funnel.add(new Funnel(step, reached, passed, reached - passed, common == null ? null : common.getKey(),
                    common == null ? 0 : common.getValue().intValue()));
        }
        return new Report(steps, learners, grid, funnel);
    }

    /** The most frequent reason among a step's failed attempts, with learners' names made alike. */
    private Map.Entry<String, Long> commonFailure(StepKey step) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String verdict : store.failedVerdicts(step.course(), step.lesson(), step.step())) {
            firstFailure(verdict).ifPresent(reason -> counts.merge(reason, 1L, Long::sum));
        }
        return counts.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElse(null);
    }

    static Optional<String> firstFailure(String verdictJson) {
        try {
            JsonNode verdict = JSON.readTree(verdictJson);
            for (JsonNode check : verdict.path("checks")) {
                if (!check.path("status").asText().equals("passed")) {
                    String learner = verdict.path("learner").asText("");
                    String reason = check.path("reason").asText();
                    return Optional.of(learner.isEmpty() ? reason : reason.replace("/" + learner + "/", "/{user}/"));
                }
            }
        } catch (Exception e) {
            // an unreadable verdict has no reason to count
        }
        return Optional.empty();
    }

    /** The grid as CSV: one row per learner and step they have attempted. */
    public String csv(Catalog catalog, List<String> learners) {
        Report report = build(catalog, learners);
        Map<String, StepKey> keys = report.steps().stream().collect(Collectors.toMap(StepKey::id, Function.identity()));
        java.util.Set<String> shown = java.util.Set.copyOf(report.learners());
        StringBuilder csv = new StringBuilder("learner,course,lesson,step,status,attempts,first_attempt_at,passed_at\n");
        for (ProgressStore.LearnerStep row : store.everyone()) {
            StepProgress p = row.progress();
            if (!shown.contains(row.learner()) || !keys.containsKey(p.course() + "/" + p.lesson() + "/" + p.step())) {
                continue;
            }
            csv.append(String.join(",", cell(row.learner()), cell(p.course()), cell(p.lesson()), cell(p.step()),
                    p.status().name().toLowerCase(), Integer.toString(p.attempts()),
                    java.time.Instant.ofEpochMilli(p.firstAttemptAt()).toString(),
                    p.passedAt() == null ? "" : java.time.Instant.ofEpochMilli(p.passedAt()).toString())).append('\n');
        }
        return csv.toString();
    }

    /** Quotes a CSV field, and defuses a leading formula character for spreadsheets. */
    static String cell(String value) {
        String safe = value.matches("^[=+\\-@].*") ? "'" + value : value;
        return safe.matches(".*[,\"\\n].*") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }
}
