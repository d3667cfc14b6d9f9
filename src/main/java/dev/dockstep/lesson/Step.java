package dev.dockstep.lesson;

import dev.dockstep.check.Check;
import java.util.List;

/**
 * One {@code ## } section of a lesson.
 *
 * @param id a slug of the title, stable while the title is
 * @param markdown the text shown to the learner, without the special blocks
 * @param checks the {@code check} block's lines; none for a reading step
 * @param hints the {@code hint} blocks, in order
 * @param solution the {@code solution} block's shell commands, or empty
 * @param line where the heading stands in the file
 */
public record Step(String id, String title, String markdown, List<Check> checks, List<String> hints,
                   String solution, int line) {
    public Step {
        checks = List.copyOf(checks);
        hints = List.copyOf(hints);
    }
}
