package dev.dockstep.progress;

/** One learner's record for one step; times are epoch milliseconds. */
public record StepProgress(String course, String lesson, String step, StepStatus status, int attempts,
                           long firstAttemptAt, Long passedAt, String lastVerdict) {
}
