package dev.dockstep.check;

import java.util.List;

/** The verdict on a whole step: it passes when every one of its checks passes. */
public record StepVerdict(boolean passed, List<CheckResult> results) {
    public StepVerdict {
        results = List.copyOf(results);
    }

    public static StepVerdict of(List<CheckResult> results) {
        return new StepVerdict(!results.isEmpty() && results.stream().allMatch(r -> r.verdict().passed()), results);
    }
}
