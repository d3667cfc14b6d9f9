package dev.dockstep.cli;

import dev.dockstep.check.Verifier;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LessonLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** The lessons folder a command was given, loaded, or one line saying why it cannot be. */
final class LessonsFolder {
    private LessonsFolder() {
    }

    static Catalog load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder");
        }
        return new LessonLoader(Verifier.ARGUMENTS).load(dir);
    }
}
