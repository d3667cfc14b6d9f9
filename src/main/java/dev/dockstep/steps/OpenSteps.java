package dev.dockstep.steps;

import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.progress.StepStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Which of a learner's steps are passed, open and locked: the one place that decides it, for the
 * Check button, live checks and the pages alike.
 *
 * <ul>
 *   <li>In a lesson, a step opens once every step before it has passed.</li>
 *   <li>In a course, a lesson opens once every exercise of the lessons before it has passed
 *       (reading and quiz steps do not hold a learner back), unless the course's
 *       {@code index.md} says {@code order: free}. Otherwise a learner who opened lesson 6
 *       first could pass "remove the image" for an image they never had.</li>
 * </ul>
 */
public final class OpenSteps {
    /** Where a step stands for a learner. */
    public enum State { PASSED, OPEN, LOCKED }

    /** A step and where it stands; {@code lockedBecause} says why, in a sentence, when it is locked. */
    public record StepState(Step step, State state, Optional<String> lockedBecause) {
    }

    /** The earlier lesson, and its first exercise, that a learner must finish before a lesson opens. */
    public record Waiting(Lesson lesson, Step step) {
        /** A sentence for the learner. */
        public String reason() {
            return "This lesson opens once you have done the exercises of '" + lesson.title() + "' (next there: '"
                    + step.title() + "').";
        }
    }

    private final ProgressStore store;
    private final Supplier<Catalog> catalog;

    public OpenSteps(ProgressStore store, Supplier<Catalog> catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    /** Every step of the lesson, in order, with where it stands for the learner. */
    public List<StepState> of(String learner, Lesson lesson) {
        Set<String> passed = passed(learner, lesson.courseId());
        Optional<Waiting> waiting = waitingFor(passed, lesson);
        List<StepState> states = new ArrayList<>();
        Step unpassed = null;
        for (Step step : lesson.steps()) {
            if (passed.contains(key(lesson, step))) {
                states.add(new StepState(step, State.PASSED, Optional.empty()));
            } else if (waiting.isPresent()) {
                states.add(new StepState(step, State.LOCKED, Optional.of(waiting.get().reason())));
            } else if (unpassed == null) {
                states.add(new StepState(step, State.OPEN, Optional.empty()));
                unpassed = step;
            } else {
                states.add(new StepState(step, State.LOCKED, Optional.of("This step opens once '"
                        + unpassed.title() + "' has passed.")));
            }
        }
        return states;
    }

    /** The step the learner is on in the lesson: its first open one, if the lesson is open and not done. */
    public Optional<Step> current(String learner, Lesson lesson) {
        return of(learner, lesson).stream().filter(s -> s.state() == State.OPEN).map(StepState::step).findFirst();
    }

    /** Why the step cannot be checked yet, if it cannot. A passed step stays open to check again. */
    public Optional<String> whyLocked(String learner, Lesson lesson, Step step) {
        return of(learner, lesson).stream().filter(s -> s.step().id().equals(step.id())).findFirst()
                .flatMap(StepState::lockedBecause);
    }

    /** The earlier lesson the learner must finish first, if the course keeps its order. */
    public Optional<Waiting> waitingFor(String learner, Lesson lesson) {
        return waitingFor(passed(learner, lesson.courseId()), lesson);
    }

    private Optional<Waiting> waitingFor(Set<String> passed, Lesson lesson) {
        Optional<Course> course = catalog.get().course(lesson.courseId());
        if (course.isEmpty() || course.get().freeOrder()) {
            return Optional.empty();
        }
        for (Lesson earlier : course.get().lessons()) {
            if (earlier.id().equals(lesson.id())) {
                return Optional.empty();
            }
            for (Step step : earlier.steps()) {
                if (step.kind() == Step.Kind.EXERCISE && !passed.contains(key(earlier, step))) {
                    return Optional.of(new Waiting(earlier, step));
                }
            }
        }
        return Optional.empty();
    }

    private Set<String> passed(String learner, String course) {
        return store.progress(learner).stream()
                .filter(p -> p.course().equals(course) && p.status() == StepStatus.PASSED)
                .map(p -> p.lesson() + "/" + p.step()).collect(Collectors.toSet());
    }

    private static String key(Lesson lesson, Step step) {
        return lesson.id() + "/" + step.id();
    }
}
