package dev.dockstep.check;

import dev.dockstep.lesson.Check;
import dev.dockstep.lesson.CheckArguments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Decides a step's checks against one learner's Docker and registry. */
public final class Verifier {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Verifier.class);
    private static final Map<String, CheckKind> KINDS = Stream.<CheckKind>of(new LoggedInCheck(), new ImageCheck(),
                    new NoImageCheck(), new SameImageCheck(), new PushedCheck(), new PulledCheck(), new DigestPulledCheck(),
                    RepoVisibilityCheck.isPrivate(), RepoVisibilityCheck.isPublic(), new TokenLoginCheck(),
                    new LoginRefusedCheck(), new LoggedOutCheck(), new NoDanglingCheck())
            .collect(Collectors.toUnmodifiableMap(CheckKind::name, Function.identity()));
    private static final Pattern REGISTRY = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?");

    /** The argument rules of every kind, for the lesson loader: lint and the served catalog use them. */
    public static final CheckArguments ARGUMENTS = Verifier::argumentProblem;

    /** The names of every check kind, for lint messages. */
    public static List<String> kinds() {
        return KINDS.keySet().stream().sorted().toList();
    }

    /**
     * Why the check's arguments are wrong once variables are replaced, or empty when they are
     * fine. Lint and the verifier share it, so a bad reference never reaches an API.
     */
    public static Optional<String> argumentProblem(String kind, List<String> args) {
        CheckKind checkKind = KINDS.get(kind);
        if (checkKind == null) {
            return Optional.of("unknown check kind '" + kind + "'; known kinds: " + String.join(", ", kinds()));
        }
        if (args.size() != checkKind.args().size()) {
            return Optional.of("'" + kind + "' takes " + checkKind.args().size() + " argument(s) ("
                    + (kind + " " + checkKind.usage()).strip() + "), found " + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (checkKind.args().get(i) == CheckKind.Arg.REGISTRY) {
                if (!REGISTRY.matcher(arg).matches()) {
                    return Optional.of("'" + arg + "' is not a registry host such as localhost:5000 or docker.io");
                }
            } else {
                try {
                    ImageRef.parse(arg);
                } catch (ImageRef.InvalidReference e) {
                    return Optional.of(e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    private final Duration deadline;
    private final Semaphore permits;
    private final ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "check");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param deadline how long one check may take before its verdict is "timed out"
     * @param maxConcurrent how many checks may ask Docker and the registry at once
     */
    public Verifier(Duration deadline, int maxConcurrent) {
        this.deadline = deadline;
        this.permits = new Semaphore(maxConcurrent, true);
    }

    /**
     * Decides a step's checks, all at once, each within the deadline. {@code resolve} replaces
     * the learner's variables in each argument. A step whose checks cannot be made is not passed,
     * and says why.
     */
    public StepVerdict verify(List<Check> checks, Function<String, String> resolve, CheckContext context) {
        long start = System.nanoTime();
        java.time.Instant began = java.time.Instant.now();
        List<String> shown = new ArrayList<>();
        List<Future<Verdict>> pending = new ArrayList<>();
        for (Check check : checks) {
            List<String> args = check.args().stream().map(resolve).toList();
            shown.add((check.kind() + " " + String.join(" ", args)).strip());
            pending.add(pool.submit(() -> bounded(check.kind(), args, context, start, began)));
        }
        List<Verdict> verdicts = new ArrayList<>();
        for (Future<Verdict> verdict : pending) {
            verdicts.add(Sentences.verdict(await(verdict, start)));
        }
        verdicts = fitToStep(checks, resolve, verdicts);
        List<CheckResult> results = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            results.add(new CheckResult(shown.get(i), verdicts.get(i)));
        }
        return StepVerdict.of(results);
    }

    /**
     * Each kind advises alone, but advice must fit the step. A failed {@code image ref} takes the
     * advice of the step's own failed check on that ref: in a pull step ({@code pulled ref}), a
     * missing image is to be pulled, never tagged; in a tag step ({@code same-image source ref}),
     * the exact {@code docker tag source ref} beats "docker tag SOURCE ref". The page then shows
     * the one piece of advice once.
     */
    static List<Verdict> fitToStep(List<Check> checks, Function<String, String> resolve, List<Verdict> verdicts) {
        Map<String, String> advice = new java.util.HashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            Check check = checks.get(i);
            String hint = verdicts.get(i) instanceof Verdict.Failed failed ? failed.hint() : null;
            if (check.kind().equals("pulled") && check.args().size() == 1) {
                // A pull step's advice wins even when the pull itself has passed.
                familiar(resolve.apply(check.args().get(0))).ifPresent(ref -> advice.put(ref,
                        hint != null ? hint : PulledCheck.pullHint(ref(ref))));
            } else if (check.kind().equals("same-image") && check.args().size() == 2 && hint != null) {
                familiar(resolve.apply(check.args().get(1))).ifPresent(ref -> advice.putIfAbsent(ref, hint));
            }
        }
        if (advice.isEmpty()) {
            return verdicts;
        }
        List<Verdict> fitted = new ArrayList<>(verdicts);
        for (int i = 0; i < checks.size(); i++) {
            Check check = checks.get(i);
            if (check.kind().equals("image") && check.args().size() == 1 && fitted.get(i) instanceof Verdict.Failed failed) {
                Optional<String> ref = familiar(resolve.apply(check.args().get(0)));
                if (ref.isPresent() && advice.containsKey(ref.get())) {
                    fitted.set(i, new Verdict.Failed(failed.reason(), advice.get(ref.get())));
                }
            }
        }
        return fitted;
    }

    private Verdict bounded(String name, List<String> args, CheckContext context, long start, java.time.Instant began) {
        long left = deadline.toNanos() - (System.nanoTime() - start);
        try {
            if (!permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                return timedOut();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return interrupted();
        }
        try {
            return decide(name, args, context, began);
        } finally {
            permits.release();
        }
    }

    private Verdict await(Future<Verdict> verdict, long start) {
        long left = deadline.toNanos() - (System.nanoTime() - start);
        try {
            return verdict.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            verdict.cancel(true);
            return timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            verdict.cancel(true);
            return interrupted();
        } catch (ExecutionException e) {
            LOG.error("a check failed unexpectedly", e.getCause());
            return new Verdict.Unavailable("dockstep could not decide this check; the details are in the server's log.",
                    "Check again; if it persists, tell your instructor.");
        }
    }

    /** A check whose thread was interrupted (its deadline passed, or the server is stopping): no fault of Docker's. */
    private static Verdict interrupted() {
        return new Verdict.Unavailable("The check was interrupted before it was decided.", "Check again.");
    }

    private Verdict timedOut() {
        return new Verdict.Unavailable("The check timed out: Docker or the registry did not answer within "
                + deadline.toMillis() + " ms.", "Docker may be busy or stuck; check again in a moment.");
    }

    /** Decides one check; package-private so a test can interrupt the thread that runs it. */
    static Verdict decide(String name, List<String> args, CheckContext context, java.time.Instant began) {
        Optional<String> problem = argumentProblem(name, args);
        if (problem.isPresent()) {
            return new Verdict.Failed("This check cannot be made: " + problem.get() + ".",
                    "Tell your instructor; `dockstep lint` points at the line.");
        }
        try {
            CheckKind kind = KINDS.get(name);
            Verdict verdict = kind.decide(args, context);
            if (verdict instanceof Verdict.Failed && kind.looksAtImages() && context.docker().answersFromMemory()) {
                // Memory may be a moment behind: the event of a command that just finished can
                // still be on its way. A failure is only given once memory has caught up with
                // everything the daemon did before this check began.
                context.docker().catchUp(began);
                verdict = kind.decide(args, context);
            }
            return verdict;
        } catch (DockerInterrupted e) {
            return interrupted();
        } catch (DockerUnavailable e) {
            return new Verdict.Unavailable(e.getMessage() + ".",
                    "Make sure Docker is running and that DOCKER_HOST names it, then check again.");
        } catch (RegistryUnavailable e) {
            if (Thread.currentThread().isInterrupted()) {
                return interrupted();
            }
            return new Verdict.Unavailable(e.getMessage() + ".",
                    "Make sure the registry is running (see /healthz), then check again.");
        } catch (RuntimeException e) {
            // A bug of ours must still give the learner a verdict, and the log the details.
            LOG.error("check '{} {}' failed unexpectedly", name, String.join(" ", args), e);
            return new Verdict.Unavailable("dockstep could not decide this check; the details are in the server's log.",
                    "Check again; if it persists, tell your instructor.");
        }
    }

    /** A reference as Docker shows it, so that {@code x/backend} and {@code x/backend:latest} compare equal. */
    private static Optional<String> familiar(String text) {
        try {
            return Optional.of(ImageRef.parse(text).familiar());
        } catch (ImageRef.InvalidReference e) {
            return Optional.empty();
        }
    }

    /** Parses an argument that {@link #argumentProblem} has already accepted. */
    static ImageRef ref(String text) {
        try {
            return ImageRef.parse(text);
        } catch (ImageRef.InvalidReference e) {
            throw new IllegalStateException("arguments are validated before checks run: " + text, e);
        }
    }
}
