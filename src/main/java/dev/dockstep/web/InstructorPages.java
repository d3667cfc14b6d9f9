package dev.dockstep.web;

import dev.dockstep.account.Accounts;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.progress.ClassReport;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The instructor's view of the class: a page, its data as JSON, a CSV export, and one learner in detail. */
final class InstructorPages {
    private final Supplier<Catalog> catalog;
    private final Accounts accounts;
    private final ClassReport report;
    private final Prose prose;

    InstructorPages(Supplier<Catalog> catalog, Accounts accounts, ClassReport report, Prose prose) {
        this.catalog = catalog;
        this.accounts = accounts;
        this.report = report;
        this.prose = prose;
    }

    void dashboard(Context ctx) {
        Auth.requireInstructor(ctx);
        ClassReport.Report built = report.build(catalog.get(), learners());
        Map<String, String> failures = new HashMap<>();
        // Per lesson, the most common failure of its steps, named by its step: seen before a lesson is opened.
        Map<String, ClassReport.Funnel> worst = new HashMap<>();
        for (ClassReport.Funnel f : built.funnel()) {
            if (f.commonFailure() != null) {
                failures.put(f.step().id(), prose.verdict(f.commonFailure()));
                worst.merge(f.step().course() + "/" + f.step().lesson(), f,
                        (a, b) -> b.commonFailureCount() > a.commonFailureCount() ? b : a);
            }
        }
        Map<String, String> lessonFailures = new HashMap<>();
        worst.forEach((lesson, f) -> lessonFailures.put(lesson, f.step().label() + ": "
                + prose.verdict(f.commonFailure()) + " <span class=\"note\">(" + f.commonFailureCount() + "×)</span>"));
        Map<String, ClassReport.StepKey> steps = new HashMap<>();
        built.steps().forEach(step -> steps.put(step.id(), step));
        Map<String, String> at = new HashMap<>();
        built.at().forEach((learner, step) -> at.put(learner, steps.containsKey(step) ? steps.get(step).label() : ""));
        ctx.render("instructor", Pages.model(ctx, Map.of("report", built, "failures", failures,
                "lessonFailures", lessonFailures, "at", at, "stuckMinutes", ClassReport.STUCK_AFTER.toMinutes())));
    }

    /** The same report as JSON, which the page fetches again when the class moves on. */
    void report(Context ctx) {
        Auth.requireInstructor(ctx);
        ctx.json(report.build(catalog.get(), learners()));
    }

    void csv(Context ctx) {
        Auth.requireInstructor(ctx);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"progress.csv\"");
        ctx.result(report.csv(catalog.get(), learners()));
    }

    /** The class: everyone signed up who is not an instructor. */
    private java.util.List<String> learners() {
        return accounts.everyone().stream().filter(l -> !l.isInstructor()).map(dev.dockstep.account.Learner::name).toList();
    }

    /** {@code /instructor/learners/{learner}}: one learner's steps, attempts and last verdicts, to help them. */
    void learner(Context ctx) {
        Auth.requireInstructor(ctx);
        String name = ctx.pathParam("learner");
        ClassReport.LearnerReport detail = report.learner(catalog.get(), accounts.everyone().stream().map(dev.dockstep.account.Learner::name).toList(), name)
                .orElseThrow(() -> new io.javalin.http.NotFoundResponse("There is no learner '" + name + "'."));
        long now = System.currentTimeMillis();
        List<LessonRows> lessons = new ArrayList<>();
        for (ClassReport.LessonDetail lesson : detail.lessons()) {
            List<StepRow> rows = new ArrayList<>();
            for (ClassReport.StepDetail step : lesson.steps()) {
                ClassReport.Cell cell = step.cell();
                String status = cell == null ? "not tried" : cell.stuck() ? "stuck"
                        : cell.status().equals("passed") ? (cell.live() ? "passed live" : "passed") : "not passed yet";
                List<CheckRow> checks = step.lastChecks().stream()
                        .map(c -> new CheckRow(c.check(), c.status(), prose.verdict(c.reason()))).toList();
                rows.add(new StepRow(step.step().label(), step.step().shortTitle(), step.step().title(),
                        cell == null ? "none" : cell.stuck() ? "stuck" : cell.status(), status,
                        cell == null ? 0 : cell.attempts(), ago(step.firstAttemptAt(), now), ago(step.passedAt(), now),
                        ago(step.lastAttemptAt(), now), checks));
            }
            lessons.add(new LessonRows(lesson.lesson().number() + " · " + lesson.lesson().title(),
                    lesson.cell().status(), lesson.cell().passed() + " of " + lesson.cell().steps() + " steps", rows));
        }
        String at = detail.at() == null ? "" : detail.at().label() + " " + detail.at().title();
        ctx.render("learner", Pages.model(ctx, Map.of("learner", detail.learner(), "lessons", lessons, "at", at,
                "lastActive", ago(detail.lastActiveAt(), now))));
    }

    /** How long ago, as a person says it; empty for never. */
    static String ago(Long at, long now) {
        if (at == null) {
            return "";
        }
        Duration since = Duration.ofMillis(Math.max(0, now - at));
        if (since.toMinutes() < 1) {
            return "just now";
        }
        if (since.toHours() < 1) {
            return since.toMinutes() + " min ago";
        }
        if (since.toDays() < 1) {
            return since.toHours() + " h " + since.toMinutesPart() + " min ago";
        }
        return since.toDays() + " days ago";
    }

    /** A lesson of the learner page; {@code status} is done, stuck, started or none. */
    record LessonRows(String title, String status, String summary, List<StepRow> steps) {
    }

    /** @param state {@code passed}, {@code attempted}, {@code stuck} or {@code none}, for styling */
    record StepRow(String label, String title, String fullTitle, String state, String status, int attempts,
                   String firstAttempt, String passed, String lastAttempt, List<CheckRow> checks) {
    }

    /** A check of the learner's latest verdict; {@code reason} is rendered HTML. */
    record CheckRow(String check, String status, String reason) {
    }
}
