package dev.dockstep.web;

import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.BadRequestResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.account.Accounts;
import dev.dockstep.account.Learner;
import dev.dockstep.steps.StepChecker;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.sandbox.Sandbox;
import dev.dockstep.sandbox.SandboxException;
import dev.dockstep.sandbox.SandboxProvider;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The JSON endpoints for scripts, tests and the pages' own JavaScript. */
final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Catalog> catalog;
    private final StepChecker checker;
    private final Health health;
    private final SandboxProvider sandboxes;
    private final ProgressStore store;
    private final RateLimits limits;
    private final Prose prose;

    Api(Supplier<Catalog> catalog, StepChecker checker, Health health, SandboxProvider sandboxes, ProgressStore store,
        RateLimits limits, Prose prose) {
        this.limits = limits;
        this.prose = prose;
        this.catalog = catalog;
        this.checker = checker;
        this.health = health;
        this.sandboxes = sandboxes;
        this.store = store;
    }

    void health(Context ctx) {
        var report = health.recentReport();
        ctx.status(Health.allOk(report) ? 200 : 503).json(report);
    }

    void courses(Context ctx) {
        List<Map<String, Object>> courses = catalog.get().courses().stream().map(course -> Map.<String, Object>of(
                "id", course.id(),
                "title", course.title(),
                "lessons", course.lessons().stream().map(lesson -> Map.<String, Object>of(
                        "id", lesson.id(),
                        "title", lesson.title(),
                        "steps", lesson.steps().stream().map(step -> Map.<String, Object>of(
                                "id", step.id(), "title", step.title(), "kind", step.kind().name().toLowerCase(),
                                "checks", step.checks().size())).toList()))
                        .toList())).toList();
        ctx.json(Map.of("courses", courses));
    }

    /** The signed-in learner's own progress; there is no way to ask for anyone else's. */
    void progress(Context ctx) {
        Learner learner = Auth.require(ctx);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (var p : store.progress(learner.name())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("course", p.course());
            row.put("lesson", p.lesson());
            row.put("step", p.step());
            row.put("status", p.status().name().toLowerCase());
            row.put("attempts", p.attempts());
            row.put("firstAttemptAt", p.firstAttemptAt());
            row.put("passedAt", p.passedAt());
            row.put("lastVerdict", parse(p.lastVerdict()));
            steps.add(row);
        }
        ctx.json(Map.of("user", learner.name(), "steps", steps));
    }

    /**
     * The signed-in learner's own sandbox, started if need be: the two values a person at the
     * server exports to use it with the real CLI, the registry and the user name.
     */
    void sandbox(Context ctx) {
        Learner learner = Auth.require(ctx);
        ctx.json(describe(sandbox(learner), learner));
    }

    /** {@code POST /api/sandbox/reset}: a fresh Docker with the lessons' images; progress stays. */
    void resetSandbox(Context ctx) {
        Learner learner = Auth.require(ctx);
        Sandbox fresh;
        try {
            fresh = sandboxes.reset(learner.name());
        } catch (SandboxException e) {
            throw new ServiceUnavailableResponse(sentence(e.getMessage()));
        }
        Map<String, Object> body = describe(fresh, learner);
        body.put("reset", true);
        ctx.json(body);
    }

    private Sandbox sandbox(Learner learner) {
        try {
            return sandboxes.forLearner(learner.name());
        } catch (SandboxException e) {
            throw new ServiceUnavailableResponse(sentence(e.getMessage()));
        }
    }

    private Map<String, Object> describe(Sandbox sandbox, Learner learner) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", sandboxes.mode());
        body.put("dockerHost", sandbox.learnerDockerHost());
        body.put("dockerConfig", sandbox.dockerConfig().toString());
        body.put("registry", sandbox.registry());
        sandboxes.registry().companyAddress().ifPresent(company -> body.put("companyRegistry", company));
        body.put("user", learner.name());
        return body;
    }

    void check(Context ctx) {
        Learner learner = Auth.require(ctx);
        limits.check(learner);
        Lesson lesson = Lookup.lesson(catalog.get(), ctx.pathParam("course"), ctx.pathParam("lesson"));
        Step step = Lookup.step(lesson, ctx.pathParam("step"));
        checker.openSteps().whyLocked(learner.name(), lesson, step).ifPresent(why -> {
            throw new ConflictResponse(why);
        });
        ctx.json(forPage(lesson, checker.check(learner, lesson, step, answers(ctx))));
    }

    /** A verdict as the page shows it (see {@link #forPage}). */
    record PageResult(String course, String lesson, String step, boolean passed, List<PageCheck> checks, int attempt) {
    }

    /** One check's outcome with its reason and hint also as HTML; {@code hint} is null when the lesson gives none. */
    record PageCheck(String check, String status, String reason, String hint, String reasonHtml, String hintHtml) {
    }

    /**
     * A verdict as the page shows it: each reason and hint also rendered (escaped) from its
     * markdown, as {@code reasonHtml} and {@code hintHtml}. In a lesson with {@code help: less}, a
     * failed check gives its reason only: the lesson's hints and solution hold the commands.
     */
    private PageResult forPage(Lesson lesson, StepChecker.Result result) {
        List<PageCheck> checks = result.checks().stream().map(check -> {
            String hint = lesson.lessHelp() && "failed".equals(check.status()) ? null : check.hint();
            return new PageCheck(check.check(), check.status(), check.reason(), hint, prose.verdict(check.reason()),
                    prose.verdict(hint));
        }).toList();
        return new PageResult(result.course(), result.lesson(), result.step(), result.passed(), checks, result.attempt());
    }

    /** A quiz's chosen options, {@code {"answers":[0,2]}}; an empty or absent body chooses none. */
    private static List<Integer> answers(Context ctx) {
        JsonNode answers = json(ctx).path("answers");
        List<Integer> chosen = new ArrayList<>();
        for (JsonNode answer : answers) {
            if (!answer.canConvertToInt()) {
                throw new BadRequestResponse("'answers' must be a list of option numbers, such as [0, 2]");
            }
            chosen.add(answer.asInt());
        }
        return chosen;
    }

    /** A message as a sentence: capitalised, with a full stop. */
    private static String sentence(String text) {
        if (text == null || text.isEmpty()) {
            return "Something went wrong.";
        }
        String capital = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return capital.endsWith(".") ? capital : capital + ".";
    }

    /** The request's JSON body; an empty body is an empty object. */
    static JsonNode json(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequestResponse("The request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
