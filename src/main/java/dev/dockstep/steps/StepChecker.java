package dev.dockstep.steps;

import dev.dockstep.check.CheckContext;
import dev.dockstep.check.CheckResult;
import dev.dockstep.check.CredentialHelpers;
import dev.dockstep.check.RegistryRefusals;
import dev.dockstep.check.Sentences;
import dev.dockstep.check.DockerFacts;
import dev.dockstep.check.DockerUnavailable;
import dev.dockstep.check.RegistryClient;
import dev.dockstep.check.StepVerdict;
import dev.dockstep.check.Verdict;
import dev.dockstep.check.Verifier;
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
    private final OpenSteps open;

    /**
     * Where one learner's checks look: their daemon, their CLI config folder, how their
     * credential helpers may be asked, and what the registry refused them lately.
     */
    public record Target(DockerFacts docker, Path dockerConfig, CredentialHelpers helpers, RegistryRefusals refusals) {
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
                       Function<Learner, Variables> variables, OpenSteps open) {
        this.open = open;
        this.variables = variables;
        this.verifier = verifier;
        this.registry = registry;
        this.targets = targets;
        this.store = store;
        this.clock = clock;
    }

    /** A step's verdict as the API answers it: each check's outcome, and the attempt's number. */
    public record Result(String course, String lesson, String step, boolean passed, List<Outcome> checks,
                         int attempt) {
    }

    /** One check's outcome; {@code check} is the line with the learner's values. */
    public record Outcome(String check, String status, String reason, String hint) {
        static List<Outcome> of(StepVerdict verdict) {
            return verdict.results().stream().map(r -> new Outcome(r.check(), r.verdict().status(),
                    r.verdict().reason(), r.verdict().hint())).toList();
        }
    }

    /**
     * The verdict as it is kept with the attempt, for the instructor's view.
     *
     * @param live true when it came from a live re-check, not a click
     */
    record Kept(String course, String lesson, String step, boolean passed, List<Outcome> checks, String learner,
                @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                Boolean live) {
    }

    /**
     * Decides the step for the learner and records it.
     *
     * @param answers the options the learner chose, for a quiz step; ignored otherwise
     */
    public Result check(Learner learner, Lesson lesson, Step step, List<Integer> answers) {
        Variables variables = this.variables.apply(learner);
        StepVerdict verdict = switch (step.kind()) {
            case EXERCISE -> exercise(learner, lesson, step, variables);
            case QUIZ -> quiz(step.quiz().orElseThrow(), answers);
            case READING -> new StepVerdict(true, List.of());
        };
        List<Outcome> checks = Outcome.of(verdict);
        int attempt = store.recordAttempt(learner.name(), lesson.courseId(), lesson.id(), step.id(), verdict.passed(),
                write(new Kept(lesson.courseId(), lesson.id(), step.id(), verdict.passed(), checks, learner.name(), null)),
                clock.millis());
        return new Result(lesson.courseId(), lesson.id(), step.id(), verdict.passed(), checks, attempt);
    }

    /** The learner's values for {@code {{user}}}, {@code {{registry}}} and {@code {{repo}}}. */
    public Variables variables(Learner learner) {
        return variables.apply(learner);
    }

    /** Which of a learner's steps are open: the one place that decides it. */
    public OpenSteps openSteps() {
        return open;
    }

    /** The learner's open step when it is an exercise: the one live checks look at (see {@link OpenSteps}). */
    public Optional<Step> currentExercise(Learner learner, Lesson lesson) {
        return open.current(learner.name(), lesson).filter(s -> s.kind() == Step.Kind.EXERCISE);
    }

    /**
     * Checks a step after a Docker event, with no click. The learner did not ask, so this is no
     * attempt: a pass is recorded as a pass with no attempt counted, and a failure not at all.
     * Returns whether it passed.
     */
    public boolean checkQuietly(Learner learner, Lesson lesson, Step step) {
        StepVerdict verdict = exercise(learner, lesson, step, this.variables.apply(learner));
        if (verdict.passed()) {
            store.recordLivePass(learner.name(), lesson.courseId(), lesson.id(), step.id(), write(new Kept(
                    lesson.courseId(), lesson.id(), step.id(), true, Outcome.of(verdict), learner.name(), true)),
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
                java.util.Optional.of(variables.user()), target.refusals()));
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

    private static String write(Kept body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a verdict is plain data and always serialises", e);
        }
    }
}
