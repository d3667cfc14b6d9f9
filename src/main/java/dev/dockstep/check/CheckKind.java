package dev.dockstep.check;

import java.util.List;

/** One kind of check as lessons write it: its name, its arguments, and how it is decided. */
interface CheckKind {
    /** What an argument must be once variables are replaced. */
    enum Arg { REF, REGISTRY }

    String name();

    List<Arg> args();

    /** What the arguments are, for lint messages: {@code "ref"}, {@code "ref ref"}. */
    default String usage() {
        return String.join(" ", args().stream().map(a -> a.name().toLowerCase()).toList());
    }

    /**
     * Decides the check. {@code args} have had their variables replaced, number exactly
     * {@code args().size()}, and each parses as its {@link Arg} says (the verifier makes sure).
     */
    Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable, RegistryUnavailable;
}
