package dev.dockstep.cli;

import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Problem;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dockstep lint DIR}: every problem in a lessons folder, as {@code file:line: message}. */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Check a lessons folder (one sub-folder per course). Prints file:line: message for each"
                + " problem; exits 1 when there is an error.")
final class LintCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the lessons folder, such as lessons/")
    Path dir;

    @Override
    public Integer call() {
        Catalog catalog = LessonsFolder.load(dir);
        catalog.problems().stream()
                .sorted(Comparator.comparing((Problem p) -> p.file().toString()).thenComparingInt(Problem::line))
                .forEach(System.out::println);
        long errors = catalog.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
        long warnings = catalog.problems().size() - errors;
        long lessons = catalog.courses().stream().mapToLong(c -> c.lessons().size()).sum();
        System.out.println(errors + " error(s), " + warnings + " warning(s); " + lessons + " lesson(s) in "
                + catalog.courses().size() + " course(s) are fine to serve");
        return errors == 0 ? 0 : 1;
    }
}
