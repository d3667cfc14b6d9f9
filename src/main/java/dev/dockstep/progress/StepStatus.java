package dev.dockstep.progress;

/** Where a learner stands on one step. */
public enum StepStatus { ATTEMPTED, PASSED }
