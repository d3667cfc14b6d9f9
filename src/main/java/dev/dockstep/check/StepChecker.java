package dev.dockstep.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockstep.account.Learner;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Quiz;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.progress.ProgressStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import dev.dockstep.progress.StepProgress;
import dev.dockstep.progress.StepStatus;

/**
 * Decides one learner's step and records the attempt: the whole "Check" button, without HTTP.
 * An exercise is decided by its checks, a quiz by the learner's answers, and a reading step
 * passes when the learner moves on.
 */
public final class StepChecker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Verifier verifier;
    private final RegistryClient registry;
    private final Targets targets;
    private final ProgressStore store;
    private final Clock clock;
    private final Function<Learner, Variables> variables;

    /**
     * Where one learner's checks look: their daemon, their CLI config folder, and how their
     * credential helpers may be asked.
     */
    public record Target(DockerFacts docker, Path dockerConfig, CredentialHelpers helpers) {
    }

    /** Finds a learner's {@link Target}; a sandbox that cannot be had is {@link DockerUnavailable}. */
    @FunctionalInterface
    public interface Targets {
        Target of(Learner learner) throws DockerUnavailable;
    }

    /**
     * @param targets where each learner's checks look
     * @param variables each learner's values for the lesson variables
     */
    public StepChecker(Verifier verifier, RegistryClient registry, Targets targets, ProgressStore store, Clock clock,
                       Function<Learner, Variables> variables) {
        this.variables = variables;
        this.verifier = verifier;
        this.registry = registry;
        this.targets = targets;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Decides the step for the learner, records it, and returns the verdict as a JSON-ready map.
     *
     * @param answers the options the learner chose, for a quiz step; ignored otherwise
     */
    public Map<String, Object> check(Learner learner, Lesson lesson, Step step, List<Integer> answers) {
        Variables variables = this.variables.apply(learner);
        StepVerdict verdict = switch (step.kind()) {
            case EXERCISE -> exercise(learner, lesson, step, variables);
            case QUIZ -> quiz(step.quiz().orElseThrow(), answers);
            case READING -> new StepVerdict(true, List.of());
        };
        Map<String, Object> body = toJson(lesson, step, verdict);
        Map<String, Object> stored = new LinkedHashMap<>(body);
        stored.put("learner", learner.name());
        int attempt = store.recordAttempt(learner.name(), lesson.courseId(), lesson.id(), step.id(), verdict.passed(),
                write(stored), clock.millis());
        body.put("attempt", attempt);
        return body;
    }

    /** The learner's values for {@code {{user}}}, {@code {{registry}}} and {@code {{repo}}}. */
    public Variables variables(Learner learner) {
        return variables.apply(learner);
    }

    /** The steps of a lesson the learner has passed. */
    public Set<String> passedSteps(Learner learner, Lesson lesson) {
        return store.progress(learner.name()).stream()
                .filter(p -> p.course().equals(lesson.courseId()) && p.lesson().equals(lesson.id())
                        && p.status() == StepStatus.PASSED)
                .map(StepProgress::step).collect(Collectors.toSet());
    }

    /** The step a learner is on: the first not yet passed. Later steps open once it passes. */
    public Optional<Step> currentStep(Learner learner, Lesson lesson) {
        Set<String> passed = passedSteps(learner, lesson);
        return lesson.steps().stream().filter(s -> !passed.contains(s.id())).findFirst();
    }

    /** The current step when it is an exercise: the one live checks look at. */
    public Optional<Step> currentExercise(Learner learner, Lesson lesson) {
        return currentStep(learner, lesson).filter(s -> s.kind() == Step.Kind.EXERCISE);
    }

    /**
     * Checks a step after a Docker event, with no click. The learner did not ask, so this is no
     * attempt: a pass is recorded as a pass with no attempt counted, and a failure not at all.
     * Returns whether it passed.
     */
    public boolean checkQuietly(Learner learner, Lesson lesson, Step step) {
        StepVerdict verdict = exercise(learner, lesson, step, this.variables.apply(learner));
        if (verdict.passed()) {
            Map<String, Object> stored = toJson(lesson, step, verdict);
            stored.put("learner", learner.name());
            stored.put("live", true);
            store.recordLivePass(learner.name(), lesson.courseId(), lesson.id(), step.id(), write(stored),
                    clock.millis());
        }
        return verdict.passed();
    }

    /** Decides an exercise's checks in the learner's sandbox; a sandbox that cannot be had fails each check. */
    private StepVerdict exercise(Learner learner, Lesson lesson, Step step, Variables variables) {
        Target target;
        try {
            target = targets.of(learner);
        } catch (DockerUnavailable e) {
            Verdict unavailable = new Verdict.Unavailable(Sentences.of(e.getMessage()), "Check again in a moment;"
                    + " if it persists, tell your instructor.");
            return StepVerdict.of(step.checks().stream()
                    .map(check -> new CheckResult(variables.apply(check.toString()), unavailable)).toList());
        }
        return verifier.verify(step.checks(), variables::apply, new CheckContext(target.docker(), registry,
                target.dockerConfig(), stepStarted(learner, lesson, step), target.helpers(),
                java.util.Optional.of(variables.user())));
    }

    /**
     * When the learner's step began, for {@code pulled}: when the step before it passed. The first
     * step of a lesson, or one reached without passing the one before, counts every event the
     * daemon still remembers.
     */
    private Instant stepStarted(Learner learner, Lesson lesson, Step step) {
        int index = lesson.steps().indexOf(step);
        if (index <= 0) {
            return Instant.EPOCH;
        }
        return store.passedAt(learner.name(), lesson.courseId(), lesson.id(), lesson.steps().get(index - 1).id())
                .map(Instant::ofEpochMilli).orElse(Instant.EPOCH);
    }

    static StepVerdict quiz(Quiz quiz, List<Integer> answers) {
        if (answers == null || answers.isEmpty()) {
            return new StepVerdict(false, List.of(new CheckResult("quiz",
                    new Verdict.Failed("No answer was chosen.", "Pick the option you think is right."))));
        }
        if (quiz.isRight(answers)) {
            return new StepVerdict(true, List.of(new CheckResult("quiz", new Verdict.Passed("That is right."))));
        }
        String hint = quiz.rightAnswers().size() > 1
                ? "More than one option is right; choose all of them and only them."
                : "Read the step again and try another option.";
        return new StepVerdict(false, List.of(new CheckResult("quiz", new Verdict.Failed("That is not the right answer.", hint))));
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
