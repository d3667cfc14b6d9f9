package dev.dockstep.lesson;

import java.util.List;
import java.util.Optional;

/**
 * One {@code ## } section of a lesson.
 *
 * @param id a slug of the title, stable while the title is
 * @param html the text shown to the learner, without the special blocks, rendered from the
 *     lesson's one parse; its variables are still {@code {{name}}} placeholders (see
 *     {@link Variables#applyToHtml})
 * @param checks the {@code check} block's lines; none for a reading step
 * @param hints the {@code hint} blocks, in order
 * @param solution the {@code solution} block's shell commands, or empty
 * @param page the {@code page} block's actions: what the learner does on dockstep's pages, which
 *     {@code test-lessons} does in their place before the solution
 * @param quiz the {@code quiz} block, if the step has one
 * @param line where the heading stands in the file
 */
public record Step(String id, String title, String html, List<Check> checks, List<String> hints,
                   String solution, List<PageAction> page, Optional<Quiz> quiz, int line) {
    public Step {
        page = List.copyOf(page);
        checks = List.copyOf(checks);
        hints = List.copyOf(hints);
    }

    /** What the learner does to pass the step. */
    public enum Kind { EXERCISE, QUIZ, READING }

    public Kind kind() {
        return quiz.isPresent() ? Kind.QUIZ : checks.isEmpty() ? Kind.READING : Kind.EXERCISE;
    }
}
