package dev.dockstep.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code wrk}, the load generator of the pages and classroom benchmarks. It is written in
 * C and needs a few percent of a core, so the figures are dockstep's, not the client's.
 */
final class Wrk {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    /**
     * One run's figures.
     *
     * @param errors responses other than 2xx or 3xx, plus connect, read, write errors and timeouts
     */
    record Load(double requestsPerSecond, long requests, double p50Ms, double p90Ms, double p99Ms, long errors) {
    }

    /**
     * Runs wrk with two threads.
     *
     * @param header an extra request header such as {@code Cookie: …}, or null
     * @param script a Lua script and its arguments, or null for plain GETs
     */
    static Load run(String url, int connections, int seconds, String header, Path script, String... scriptArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "--latency"));
        if (header != null) {
            command.addAll(List.of("-H", header));
        }
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        if (script != null && scriptArgs.length > 0) {
            command.add("--");
            command.addAll(List.of(scriptArgs));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + output.strip());
        }
        return parse(output);
    }

    static Load parse(String output) {
        Matcher rps = RPS.matcher(output);
        Matcher requests = REQUESTS.matcher(output);
        if (!rps.find() || !requests.find()) {
            throw new IllegalStateException("cannot read wrk's output: " + output);
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET_ERRORS.matcher(output);
        if (socket.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(socket.group(i));
            }
        }
        return new Load(Double.parseDouble(rps.group(1)), Long.parseLong(requests.group(1)), percentile(output, "50"),
                percentile(output, "90"), percentile(output, "99"), errors);
    }

    /** A line of wrk's latency distribution, such as {@code 99%   32.30ms}, in milliseconds. */
    private static double percentile(String output, String which) {
        Matcher m = Pattern.compile("\\s" + which + "%\\s+([0-9.]+)(us|ms|s)").matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no " + which + "th percentile: " + output);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
