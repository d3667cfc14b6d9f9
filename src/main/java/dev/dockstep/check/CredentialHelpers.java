package dev.dockstep.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Asks a docker credential helper ({@code docker-credential-NAME get}) for a login, the way the
 * docker CLI does. The helper is a program that the learner's config names, so it is run with a
 * deadline and bounded output, and for a learner with a Linux user of their own it runs as that
 * user, with a plain environment: never with the server's privileges.
 */
public final class CredentialHelpers {
    static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where helpers are found when they run as a learner: the machine's programs, not the server's PATH. */
    private static final String LEARNER_PATH = "/usr/local/bin:/usr/bin:/bin";

    private final String searchPath;
    private final OptionalInt uid;
    private final OptionalInt gid;
    private final Path home;

    private CredentialHelpers(String searchPath, OptionalInt uid, OptionalInt gid, Path home) {
        this.searchPath = searchPath;
        this.uid = uid;
        this.gid = gid;
        this.home = home;
    }

    /** Helpers found on {@code searchPath}, run as this process's own user (one learner on their own machine). */
    public static CredentialHelpers onPath(String searchPath) {
        return new CredentialHelpers(searchPath, OptionalInt.empty(), OptionalInt.empty(), null);
    }

    /** Helpers installed on the machine, run as the learner's Linux user with {@code home} as HOME. */
    public static CredentialHelpers asUser(int uid, int gid, Path home) {
        return asUser(uid, gid, home, LEARNER_PATH);
    }

    /** Helpers found on {@code searchPath}, run as the learner's Linux user with {@code home} as HOME. */
    static CredentialHelpers asUser(int uid, int gid, Path home, String searchPath) {
        return new CredentialHelpers(searchPath, OptionalInt.of(uid), OptionalInt.of(gid), home);
    }

    /** What a helper said. */
    sealed interface Answer {
        record Found(Credentials credentials) implements Answer {
        }

        /** No login from the helper; {@code why} is a phrase for the learner. */
        record Missing(String why) implements Answer {
        }
    }

    Answer get(String helper, String serverUrl) {
        String program = "docker-credential-" + helper;
        if (!helper.matches("[A-Za-z0-9._-]{1,64}")) {
            return new Answer.Missing("the credential helper name '" + helper + "' is not valid");
        }
        Optional<Path> binary = Arrays.stream(searchPath.split(":")).filter(d -> d.startsWith("/"))
                .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            return new Answer.Missing("your docker config names the credential helper " + program
                    + ", which is not installed");
        }
        List<String> command = new ArrayList<>();
        if (uid.isPresent()) {
            command.addAll(List.of("setpriv", "--reuid=" + uid.getAsInt(), "--regid=" + gid.getAsInt(),
                    "--clear-groups", "--no-new-privs"));
        }
        command.add(binary.get().toString());
        command.add("get");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (uid.isPresent()) {
            builder.environment().clear();
            builder.environment().put("PATH", LEARNER_PATH);
            builder.environment().put("HOME", home.toString());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Answer.Missing("your docker config names the credential helper " + program
                    + ", which could not run");
        }
        try {
            // Read on another thread: a helper that hangs with its output open must not hold us past the deadline.
            var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> readBounded(process.getInputStream()));
            try (var in = process.getOutputStream()) {
                in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // a helper that does not read its input answers (or fails) all the same
            }
            if (!process.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Answer.Missing(program + " did not answer within " + DEADLINE.toSeconds() + " s");
            }
            byte[] out = output.get(1, TimeUnit.SECONDS);
            if (process.exitValue() != 0) {
                return new Answer.Missing(program + " holds no login for " + serverUrl);
            }
            JsonNode answer = JSON.readTree(out);
            return new Answer.Found(new Credentials(answer.path("Username").asText(), answer.path("Secret").asText()));
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Answer.Missing(program + " did not give a login dockstep can read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Missing("interrupted while asking " + program);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                // Gone when this returns, not just signalled: nothing of the helper outlives the answer.
                process.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static byte[] readBounded(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (out.size() < MAX_OUTPUT) {
                    out.write(buffer, 0, Math.min(n, MAX_OUTPUT - out.size()));
                }
            }
        } catch (IOException ignored) {
            // the process was killed: what it printed so far is all there is
        }
        return out.toByteArray();
    }
}
