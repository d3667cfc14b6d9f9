package dev.dockstep.check;

import java.util.List;

/** One kind of check as lessons write it: its name, its arguments, and how it is decided. */
interface CheckKind {
    String name();

    /** What the arguments are, for lint messages: {@code "ref"}, {@code "ref ref"}. */
    String usage();

    default int arity() {
        return usage().isBlank() ? 0 : usage().split(" ").length;
    }

    /**
     * Decides the check. {@code args} have had their variables replaced and number exactly
     * {@link #arity()}.
     */
    Verdict decide(List<String> args, DockerFacts docker) throws DockerUnavailable;
}
