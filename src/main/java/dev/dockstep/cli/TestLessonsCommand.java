package dev.dockstep.cli;

import dev.dockstep.steps.LessonProver;
import dev.dockstep.lesson.Catalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dockstep test-lessons DIR}: proves every lesson solvable in throwaway sandboxes. */
@Command(name = "test-lessons", mixinStandardHelpOptions = true,
        description = "Prove every lesson solvable: in a fresh sandbox per lesson, each step's checks must fail,"
                + " its solution must run with the real docker CLI, and its checks must then pass."
                + " Needs dockerd and docker-registry; exits 1 on any failure.")
final class TestLessonsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the lessons folder, such as lessons/")
    Path dir;

    @Override
    public Integer call() {
        Catalog catalog = LessonsFolder.load(dir);
        if (catalog.hasErrors()) {
            catalog.problems().forEach(System.out::println);
            System.out.println("dockstep lint finds errors; fix them first");
            return 1;
        }
        return new LessonProver(System.out, Duration.ofSeconds(10)).prove(catalog) ? 0 : 1;
    }
}
