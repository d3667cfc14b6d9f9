package dev.dockstep.lesson;

import java.nio.file.Path;

/** Something wrong in a lesson file, with where it is: printed as {@code file:line: message}. */
public record Problem(Path file, int line, Severity severity, String message) {
    public enum Severity { ERROR, WARNING }

    static Problem error(Path file, int line, String message) {
        return new Problem(file, line, Severity.ERROR, message);
    }

    static Problem warning(Path file, int line, String message) {
        return new Problem(file, line, Severity.WARNING, message);
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
