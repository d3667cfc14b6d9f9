package dev.dockstep.check;

import java.util.List;

/** One kind of check as lessons write it: its name, its arguments, and how it is decided. */
abstract class CheckKind {
    /** What an argument must be once variables are replaced. */
    enum Arg { REF, REGISTRY }

    private final String name;
    private final List<Arg> args;

    CheckKind(String name, Arg... args) {
        this.name = name;
        this.args = List.of(args);
    }

    final String name() {
        return name;
    }

    final List<Arg> args() {
        return args;
    }

    /** What the arguments are, for lint messages: {@code "ref"}, {@code "ref ref"}. */
    final String usage() {
        return String.join(" ", args.stream().map(a -> a.name().toLowerCase()).toList());
    }

    /** Whether the check looks up local images, which may be answered from an {@link ImageIndex}. */
    boolean looksAtImages() {
        return true;
    }

    /**
     * Decides the check. {@code args} have had their variables replaced, number exactly
     * {@code args().size()}, and each parses as its {@link Arg} says (the verifier makes sure).
     */
    abstract Verdict decide(List<String> args, CheckContext context) throws DockerUnavailable, RegistryUnavailable;
}
