package dev.dockstep.check;

/** One check of a step with its verdict; {@code check} is the line as the learner's variables made it. */
public record CheckResult(String check, Verdict verdict) {
}
