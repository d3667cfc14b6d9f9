package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.check.StepChecker;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.sandbox.SandboxInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The JSON endpoints for scripts, tests and the pages' own JavaScript. */
final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Catalog> catalog;
    private final StepChecker checker;
    private final Health health;
    private final SandboxInfo sandbox;
    private final Learner learner;
    private final Variables variables;
    private final WebServer.RegistryAccounts accounts;

    Api(Supplier<Catalog> catalog, StepChecker checker, Health health, SandboxInfo sandbox, Learner learner,
        Variables variables, WebServer.RegistryAccounts accounts) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.checker = checker;
        this.health = health;
        this.sandbox = sandbox;
        this.learner = learner;
        this.variables = variables;
    }

    void health(Context ctx) {
        var report = health.report();
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
                                "id", step.id(), "title", step.title(), "checks", step.checks().size())).toList()))
                        .toList())).toList();
        ctx.json(Map.of("courses", courses));
    }

    void sandbox(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dockerHost", sandbox.dockerHost());
        body.put("dockerConfig", sandbox.dockerConfig().toString());
        body.put("registry", sandbox.registry());
        body.put("user", learner.name());
        ctx.json(body);
    }

    /** {@code {"password":"…"}}: sets the learner's password on the practice registry. */
    void registryPassword(Context ctx) {
        String password;
        try {
            password = JSON.readTree(ctx.body()).path("password").asText("");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new WebServer.BadRequest("the request body is not JSON: " + e.getOriginalMessage());
        }
        if (password.length() < 8 || password.length() > 128) {
            throw new WebServer.BadRequest("The password must be 8 to 128 characters long.");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw new WebServer.BadRequest("The password may not contain control characters.");
        }
        accounts.setPassword(learner.name(), password.toCharArray());
        ctx.json(Map.of("user", learner.name(), "registry", sandbox.registry()));
    }

    void check(Context ctx) {
        Lesson lesson = Lookup.lesson(catalog.get(), ctx.pathParam("course"), ctx.pathParam("lesson"));
        Step step = Lookup.step(lesson, ctx.pathParam("step"));
        ctx.json(checker.check(learner, lesson, step, answers(ctx)));
    }

    /** A quiz's chosen options, {@code {"answers":[0,2]}}; an empty or absent body chooses none. */
    private static List<Integer> answers(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            return List.of();
        }
        try {
            JsonNode answers = JSON.readTree(body).path("answers");
            List<Integer> chosen = new java.util.ArrayList<>();
            for (JsonNode answer : answers) {
                if (!answer.canConvertToInt()) {
                    throw new WebServer.BadRequest("'answers' must be a list of option numbers, such as [0, 2]");
                }
                chosen.add(answer.asInt());
            }
            return chosen;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new WebServer.BadRequest("the request body is not JSON: " + e.getOriginalMessage());
        }
    }
}
