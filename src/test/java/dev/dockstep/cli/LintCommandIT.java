package dev.dockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Cli;
import dev.dockstep.harness.DockstepProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code dockstep lint} as an author runs it. */
class LintCommandIT {
    @Test
    void errors_are_printed_as_file_line_message_and_exit_1() {
        Cli.Result result = DockstepProcess.run(Map.of(), "lint", "src/test/resources/fixtures/lessons");
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("src/test/resources/fixtures/lessons/hub/02-broken.md:7: unknown check kind"
                + " 'imagee'"), result.output());
        assertTrue(result.output().strip().endsWith("1 error(s), 1 warning(s); 2 lesson(s) in 1 course(s) are fine to"
                + " serve"), result.output());
    }

    @Test
    void the_docker_hub_course_has_no_errors() {
        Cli.Result result = DockstepProcess.run(Map.of(), "lint", "lessons");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("0 error(s)"), result.output());
    }

    @Test
    void a_folder_that_does_not_exist_is_one_line() {
        Cli.Result result = DockstepProcess.run(Map.of(), "lint", "no-such-folder");
        assertEquals(1, result.exitCode());
        assertEquals("dockstep: no-such-folder is not a folder", result.output().strip());
    }
}
