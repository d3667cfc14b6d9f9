package dev.dockstep.steps;

import dev.dockstep.check.CheckContext;
import dev.dockstep.check.Credentials;
import dev.dockstep.check.DockerFacts;
import dev.dockstep.check.RegistryClient;
import dev.dockstep.check.StepVerdict;
import dev.dockstep.check.Verifier;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Quiz;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.registry.token.MemoryDirectory;
import dev.dockstep.sandbox.LocalSandbox;
import dev.dockstep.sandbox.SandboxException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Proves lessons solvable, as rustlings' {@code dev check} does for exercises. Each lesson gets
 * a fresh sandbox (its own dockerd, registry and account), its course's setup images, and the
 * solutions of the lessons before it, replayed to reach the state a learner would be in. Then
 * every step's checks must fail, its solution must run, and its checks must pass.
 */
public final class LessonProver {
    static final String USER = "learner";
    private static final Duration SOLUTION_DEADLINE = Duration.ofSeconds(120);
    /** How much of a solution's output a failure quotes: its end, where the error is. */
    private static final int OUTPUT_QUOTED = 64 * 1024;

    private final PrintStream out;
    private final Duration deadline;
    private final Duration solutionDeadline;
    private int passed;
    private int failed;

    /** @param deadline how long one check may take */
    public LessonProver(PrintStream out, Duration deadline) {
        this(out, deadline, SOLUTION_DEADLINE);
    }

    /** @param solutionDeadline how long one solution may run before it is stopped, with all it started */
    LessonProver(PrintStream out, Duration deadline, Duration solutionDeadline) {
        this.out = out;
        this.deadline = deadline;
        this.solutionDeadline = solutionDeadline;
    }

    /** Proves every lesson of the catalog; true when every step behaved. */
    public boolean prove(Catalog catalog) {
        for (Course course : catalog.courses()) {
            for (int i = 0; i < course.lessons().size(); i++) {
                proveLesson(course, i);
            }
        }
        out.println();
        out.println("test-lessons: " + passed + " passed, " + failed + " failed");
        return failed == 0;
    }

    private void proveLesson(Course course, int index) {
        Lesson lesson = course.lessons().get(index);
        out.println(course.id() + "/" + lesson.file().getFileName());
        long started = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "ds-prove-");
        } catch (IOException e) {
            fail(lesson, null, "cannot create a sandbox folder: " + e.getMessage(), started);
            return;
        }
        try (Sandbox sandbox = Sandbox.start(dir, solutionDeadline)) {
            Variables variables = Variables.forRegistries(USER, sandbox.registryAddress(), sandbox.companyAddress());
            List<Lesson> before = course.lessons().subList(0, index);
            sandbox.seed(Stream.concat(before.stream(), Stream.of(lesson))
                    .flatMap(l -> l.setupImages().stream()).distinct().toList());
            for (Lesson earlier : before) {
                for (Step step : earlier.steps()) {
                    Optional<String> problem = sandbox.solve(step, variables);
                    if (problem.isPresent()) {
                        fail(lesson, null, "replaying " + earlier.id() + " / " + step.id() + " failed: "
                                + problem.get(), started);
                        return;
                    }
                }
            }
            out.printf("  sandbox ready in %d ms%n", millisSince(started));
            try (DockerFacts docker = new DockerFacts(sandbox.dockerHost(), deadline)) {
                RegistryClient registry = new RegistryClient(host -> Optional.of(sandbox.service()), deadline);
                CheckContext base = new CheckContext(docker, registry, sandbox.dockerConfig(), Instant.EPOCH,
                        dev.dockstep.check.CredentialHelpers.onPath(Optional.ofNullable(System.getenv("PATH"))
                                .orElse("/usr/bin:/bin")), Optional.empty(), sandbox.refusals());
                for (Step step : lesson.steps()) {
                    proveStep(lesson, step, variables, sandbox, base);
                }
            }
        } catch (SandboxException e) {
            fail(lesson, null, e.getMessage(), started);
        } finally {
            deleteTree(dir);
        }
    }

    private void proveStep(Lesson lesson, Step step, Variables variables, Sandbox sandbox, CheckContext base) {
        long started = System.nanoTime();
        switch (step.kind()) {
            case READING -> ok(step, "reading", started);
            case QUIZ -> {
                Quiz quiz = step.quiz().orElseThrow();
                List<Integer> wrong = IntStream.range(0, quiz.options().size())
                        .filter(i -> !quiz.options().get(i).right()).boxed().limit(1).toList();
                if (StepChecker.quiz(quiz, wrong).passed()) {
                    fail(lesson, step, "a wrong answer passes the quiz", started);
                } else if (!StepChecker.quiz(quiz, quiz.rightAnswers()).passed()) {
                    fail(lesson, step, "the right answers do not pass the quiz", started);
                } else {
                    ok(step, "quiz", started);
                }
            }
            case EXERCISE -> {
                if (step.solution().isBlank() && step.page().isEmpty()) {
                    fail(lesson, step, "the step has checks but no solution block", started);
                    return;
                }
                Instant stepStarted = Instant.now();
                CheckContext context = new CheckContext(base.docker(), base.registry(), base.dockerConfig(), stepStarted,
                        base.helpers(), base.expectedUser(), base.refusals());
                Verifier verifier = new Verifier(deadline, 4);
                StepVerdict before = verifier.verify(step.checks(), variables::apply, context);
                if (before.passed()) {
                    fail(lesson, step, "its checks pass before its solution runs, so the step proves nothing", started);
                    return;
                }
                Optional<String> problem = sandbox.solve(step, variables);
                if (problem.isPresent()) {
                    fail(lesson, step, "the solution failed: " + problem.get(), started);
                    return;
                }
                StepVerdict after = verifier.verify(step.checks(), variables::apply, context);
                if (!after.passed()) {
                    fail(lesson, step, "its checks still fail after the solution: " + reasons(after), started);
                    return;
                }
                ok(step, "exercise", started);
            }
        }
    }

    private static String reasons(StepVerdict verdict) {
        return String.join(" ", verdict.results().stream().filter(r -> !r.verdict().passed())
                .map(r -> "[" + r.check() + "] " + r.verdict().reason()).toList());
    }

    private void ok(Step step, String kind, long started) {
        passed++;
        out.printf("  ok    %-44s %-8s %6d ms%n", step.id(), kind, millisSince(started));
    }

    private void fail(Lesson lesson, Step step, String why, long started) {
        failed++;
        String where = step == null ? lesson.file().toString() : lesson.file() + ":" + step.line();
        out.printf("  FAIL  %-44s %6d ms%n        %s: %s%n", step == null ? "(lesson)" : step.id(),
                millisSince(started), where, why);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless
        }
    }

    /**
     * One lesson's throwaway sandbox: the same {@link LocalSandbox} the server runs (a managed
     * dockerd, the practice registry with dockstep as its token server, and the checks' read
     * identity), plus a learner whom the token server knows by a random password.
     */
    private static final class Sandbox implements AutoCloseable {
        private final Path dir;
        private final LocalSandbox local;
        private final MemoryDirectory directory;
        private final String password;
        private final Duration solutionDeadline;
        /** The access token the lesson's page actions made last, which {@code revoke} revokes. */
        private String lastToken;

        private Sandbox(Path dir, LocalSandbox local, MemoryDirectory directory, String password,
                        Duration solutionDeadline) {
            this.dir = dir;
            this.local = local;
            this.directory = directory;
            this.password = password;
            this.solutionDeadline = solutionDeadline;
        }

        static Sandbox start(Path dir, Duration solutionDeadline) {
            String password = randomSecret();
            MemoryDirectory directory = new MemoryDirectory().learner(USER, password);
            LocalSandbox local = LocalSandbox.throwaway(dir, directory);
            local.start();
            return new Sandbox(dir, local, directory, password, solutionDeadline);
        }

        Optional<String> companyAddress() {
            return local.registry().companyAddress();
        }

        /** What the token server refused the learner, as the server's checks see it. */
        dev.dockstep.check.RegistryRefusals refusals() {
            return since -> local.registry().tokens()
                    .map(tokens -> tokens.refusals(USER, since).stream()
                            .map(r -> new dev.dockstep.check.RegistryRefusals.Refusal(r.at(), r.action(),
                                    Optional.ofNullable(r.repository()), r.reason()))
                            .toList())
                    .orElse(List.of());
        }

        /**
         * Does what the step's page block says the learner does on dockstep's pages, through the
         * same directory the token server asks, then runs its solution. The solution's standard
         * input holds the account's password, or, in a step that makes or revokes an access
         * token, that token: what the learner would paste.
         */
        Optional<String> solve(Step step, Variables variables) {
            String input = password;
            for (dev.dockstep.lesson.PageAction action : step.page()) {
                List<String> args = action.args().stream().map(variables::apply).toList();
                switch (action.action()) {
                    case "private", "public" -> directory.setPrivate(args.get(0), action.action().equals("private"));
                    case "token" -> {
                        lastToken = directory.token(USER, dev.dockstep.registry.token.Scope.parse(args.get(0))
                                .orElseThrow());
                        input = lastToken;
                    }
                    case "revoke" -> {
                        if (lastToken == null) {
                            return Optional.of("line " + action.line() + ": 'revoke' comes before any 'token'");
                        }
                        directory.revoke(lastToken);
                        input = lastToken;
                    }
                    default -> {
                        return Optional.of("line " + action.line() + ": unknown page action '" + action.action() + "'");
                    }
                }
            }
            return run(variables.apply(step.solution()), input);
        }

        String dockerHost() {
            return local.info().dockerHost();
        }

        Path dockerConfig() {
            return local.info().dockerConfig();
        }

        String registryAddress() {
            return local.info().registry();
        }

        Credentials service() {
            return local.checksIdentity().map(a -> new Credentials(a.user(), a.secret())).orElseThrow();
        }

        void seed(List<String> images) {
            local.seed(images);
        }

        /**
         * Runs a solution with bash as a learner's terminal would, the account's password on
         * standard input. Returns what went wrong, or empty when it succeeded. Its output goes to
         * a file, not a pipe: reading a pipe to its end would wait for every process that holds
         * it, so a hung solution could never reach its deadline. At the deadline the solution is
         * stopped with every process it started.
         */
        Optional<String> run(String script, String input) {
            if (script.isBlank()) {
                return Optional.empty();
            }
            Path output = null;
            Process process = null;
            try {
                output = Files.createTempFile(dir, "solution-", ".log");
                ProcessBuilder builder = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                        .redirectErrorStream(true).redirectOutput(output.toFile()).directory(dir.toFile());
                builder.environment().put("DOCKER_HOST", dockerHost());
                builder.environment().put("DOCKER_CONFIG", dockerConfig().toString());
                process = builder.start();
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // The solution ended without reading its input; its exit status says how it went.
                }
                if (!process.waitFor(solutionDeadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    stopTree(process);
                    return Optional.of("it ran longer than " + solutionDeadline.toSeconds()
                            + " s, so it was stopped, with every process it started");
                }
                return process.exitValue() == 0 ? Optional.empty()
                        : Optional.of("exit " + process.exitValue() + ": " + quote(output).replace('\n', ' '));
            } catch (IOException e) {
                return Optional.of("bash could not run: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted");
            } finally {
                if (process != null && process.isAlive()) {
                    stopTree(process);
                }
                if (output != null) {
                    output.toFile().delete();
                }
            }
        }

        /** The end of a solution's output, where its error is. */
        private static String quote(Path output) throws IOException {
            try (var file = Files.newByteChannel(output)) {
                long from = Math.max(0, file.size() - OUTPUT_QUOTED);
                java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) (file.size() - from));
                file.position(from);
                while (tail.hasRemaining() && file.read(tail) >= 0) {
                    // read on to the end
                }
                return (from > 0 ? "…" : "") + new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8).strip();
            }
        }

        /**
         * Kills a process and everything it started. The descendants go first, while their
         * parent is alive to reap them (this machine's init does not reap orphans); rounds repeat
         * for any that a dying parent started meanwhile.
         */
        private static void stopTree(Process process) {
            for (int round = 0; round < 10; round++) {
                List<ProcessHandle> descendants = process.descendants().toList();
                if (descendants.isEmpty()) {
                    break;
                }
                descendants.forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle descendant : descendants) {
                    try {
                        descendant.onExit().get(5, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        // killed with SIGKILL; the next round or the root's death settles it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            local.close();
        }

        private static String randomSecret() {
            return dev.dockstep.common.Tokens.urlSafe(18);
        }
    }
}
