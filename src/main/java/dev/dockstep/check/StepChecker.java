package dev.dockstep.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.account.Learner;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.progress.ProgressStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks one learner's step and records the attempt: the whole "Check" button, without HTTP. */
public final class StepChecker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Verifier verifier;
    private final DockerFacts docker;
    private final ProgressStore store;
    private final Clock clock;

    public StepChecker(Verifier verifier, DockerFacts docker, ProgressStore store, Clock clock) {
        this.verifier = verifier;
        this.docker = docker;
        this.store = store;
        this.clock = clock;
    }

    /** Decides the step for the learner, records it, and returns the verdict as a JSON-ready map. */
    public Map<String, Object> check(Learner learner, Variables variables, Lesson lesson, Step step) {
        StepVerdict verdict = verifier.verify(step.checks(), variables::apply, docker);
        Map<String, Object> body = toJson(lesson, step, verdict);
        store.recordAttempt(learner.name(), lesson.courseId(), lesson.id(), step.id(), verdict.passed(),
                write(body), clock.millis());
        return body;
    }

    static Map<String, Object> toJson(Lesson lesson, Step step, StepVerdict verdict) {
        List<Map<String, Object>> checks = new ArrayList<>();
        for (CheckResult result : verdict.results()) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("check", result.check());
            check.put("status", result.verdict().status());
            check.put("reason", result.verdict().reason());
            check.put("hint", result.verdict().hint());
            checks.add(check);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("course", lesson.courseId());
        body.put("lesson", lesson.id());
        body.put("step", step.id());
        body.put("passed", verdict.passed());
        body.put("checks", checks);
        return body;
    }

    private static String write(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a verdict is plain data and always serialises", e);
        }
    }
}
