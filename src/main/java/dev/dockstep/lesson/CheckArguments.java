package dev.dockstep.lesson;

import java.util.List;
import java.util.Optional;

/**
 * The rules for a check line's arguments. Lessons own the syntax of a {@code check} block (one
 * {@link Check} a line); the check engine knows which kinds exist and what their arguments must
 * be, so it hands the loader an implementation instead of the loader asking the engine.
 */
@FunctionalInterface
public interface CheckArguments {
    /**
     * Why {@code args} do not fit the check kind {@code kind}, or empty when they do.
     *
     * @param args the arguments with the variables already replaced by sample values
     */
    Optional<String> problem(String kind, List<String> args);
}
