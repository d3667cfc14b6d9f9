package dev.dockstep.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary copy of a lessons folder whose courses open in any order: a test that is about
 * one lesson starts at it, and CourseOrderIT is where the order itself is tested. Closing it
 * deletes the copy.
 */
public final class AnyOrderLessons implements AutoCloseable {
    private final Path copy;

    private AnyOrderLessons(Path copy) {
        this.copy = copy;
    }

    public static AnyOrderLessons of(Path lessons) {
        try {
            Path copy = Files.createTempDirectory(Path.of("/tmp"), "ds-lessons-any-order");
            try (var files = Files.walk(lessons)) {
                for (Path from : files.toList()) {
                    Path to = copy.resolve(lessons.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                }
            }
            try (var indexes = Files.find(copy, 2, (file, attributes) -> file.getFileName().toString().equals("index.md"))) {
                for (Path index : indexes.toList()) {
                    Files.writeString(index, Files.readString(index).replaceFirst("\\A---\\n", "---\norder: free\n"));
                }
            }
            return new AnyOrderLessons(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + lessons, e);
        }
    }

    public Path path() {
        return copy;
    }

    @Override
    public void close() {
        RealDocker.deleteTree(copy);
    }
}
