package dev.dockstep.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Decides a step's checks against one learner's Docker. */
public final class Verifier {
    private static final Map<String, CheckKind> KINDS = Stream.<CheckKind>of(new ImageCheck())
            .collect(Collectors.toUnmodifiableMap(CheckKind::name, Function.identity()));

    /** The usage of a check kind ({@code "ref"}), or empty when no such kind exists. */
    public static Optional<String> usage(String kind) {
        return Optional.ofNullable(KINDS.get(kind)).map(CheckKind::usage);
    }

    /** The names of every check kind, for lint messages. */
    public static List<String> kinds() {
        return KINDS.keySet().stream().sorted().toList();
    }

    /**
     * Decides each check in order. {@code resolve} replaces the learner's variables in each
     * argument. A step whose checks cannot be made is not passed, and says why.
     */
    public StepVerdict verify(List<Check> checks, Function<String, String> resolve, DockerFacts docker) {
        List<CheckResult> results = new ArrayList<>();
        for (Check check : checks) {
            List<String> args = check.args().stream().map(resolve).toList();
            String shown = (check.kind() + " " + String.join(" ", args)).strip();
            results.add(new CheckResult(shown, decide(check.kind(), args, docker)));
        }
        return StepVerdict.of(results);
    }

    private static Verdict decide(String name, List<String> args, DockerFacts docker) {
        CheckKind kind = KINDS.get(name);
        if (kind == null) {
            return new Verdict.Unavailable("this lesson uses an unknown check kind '" + name + "'",
                    "Tell your instructor; `dockstep lint` points at the line.");
        }
        if (args.size() != kind.arity()) {
            return new Verdict.Unavailable("the check '" + name + "' takes " + kind.usage() + " but has "
                    + args.size() + " argument(s)", "Tell your instructor; `dockstep lint` points at the line.");
        }
        try {
            return kind.decide(args, docker);
        } catch (DockerUnavailable e) {
            return new Verdict.Unavailable(e.getMessage(),
                    "Make sure Docker is running and that DOCKER_HOST names it, then check again.");
        }
    }
}
