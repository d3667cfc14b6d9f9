package dev.dockstep.lesson;

import java.util.List;

/**
 * One line of a lesson's {@code check} block, before variables are replaced.
 *
 * @param kind the check kind, for example {@code image}
 * @param args its arguments, as written
 * @param line the line in the lesson file, for error messages
 */
public record Check(String kind, List<String> args, int line) {
    public Check {
        args = List.copyOf(args);
    }

    @Override
    public String toString() {
        return (kind + " " + String.join(" ", args)).strip();
    }
}
