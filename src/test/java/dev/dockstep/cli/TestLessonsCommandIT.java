package dev.dockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Cli;
import dev.dockstep.harness.DockstepProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code dockstep test-lessons} must catch a lesson that proves nothing, not only pass good ones. */
class TestLessonsCommandIT {
    @Test
    void each_way_a_step_can_fail_to_prove_itself_is_reported_and_exits_1() {
        Cli.Result result = DockstepProcess.run(Map.of(), "test-lessons", "src/test/resources/fixtures/unsolvable");
        String out = result.output();
        assertEquals(1, result.exitCode(), out);
        assertTrue(out.contains("01-wrong.md:6: its checks pass before its solution runs, so the step proves nothing"), out);
        assertTrue(out.contains("01-wrong.md:22: its checks still fail after the solution: [image localhost:"), out);
        assertTrue(out.matches("(?s).*01-wrong\\.md:32: the solution failed: exit 1: .*No such image.*"), out);
        assertTrue(out.matches("(?s).*  ok    solved +exercise +\\d+ ms.*"), out);
        assertTrue(out.contains("test-lessons: 1 passed, 3 failed"), out);
    }

    @Test
    void a_lesson_folder_with_lint_errors_is_refused_before_any_sandbox_starts() {
        Cli.Result result = DockstepProcess.run(Map.of(), "test-lessons", "src/test/resources/fixtures/lessons");
        assertEquals(1, result.exitCode());
        assertTrue(result.output().contains("02-broken.md:7: unknown check kind 'imagee'"), result.output());
        assertTrue(result.output().strip().endsWith("dockstep lint finds errors; fix them first"), result.output());
    }
}
