package dev.dockstep.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * {@code bench terminal}: the browser terminal as learners use it, against the packaged server
 * over real WebSockets. From the first message to the first prompt; a key's echo with 40
 * terminals open and all of them typing; output throughput, and the server's memory after
 * 100 MB of output.
 */
final class TerminalBench {
    static final int TERMINALS = 40;
    static final int KEYS_EACH = 50;
    static final Duration KEY_GAP = Duration.ofMillis(100);
    static final int FLOODERS = 10;
    static final long FLOOD_BYTES_EACH = 10_000_000;

    private final PrintStream out;

    TerminalBench(PrintStream out) {
        this.out = out;
    }

    Map<String, Object> run(Path dir) throws Exception {
        out.printf("terminal: %d learners open a terminal each, then type %d keys each, %d ms apart …%n", TERMINALS,
                KEYS_EACH, KEY_GAP.toMillis());
        Map<String, Object> results = new LinkedHashMap<>();
        try (Server server = Server.start(dir, Path.of("lessons").toAbsolutePath(), List.of("--sandbox-pool", "4"))) {
            List<Client> clients = new ArrayList<>();
            List<Long> starts = new ArrayList<>();
            try {
                for (int i = 0; i < TERMINALS; i++) {
                    String cookie = server.signUp("typist" + i, "typist-password-" + i);
                    // The learner's sandbox first (its start is bench sandbox's figure), then the shell alone.
                    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(server.base() + "/api/sandbox")).header("Cookie", cookie).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
                    long began = System.nanoTime();
                    Client client = Client.open(server.base(), cookie);
                    client.send("sbench-tab-" + i + " 120 30");
                    client.await(text -> text.contains("@dockstep"), Duration.ofSeconds(30));
                    starts.add(System.nanoTime() - began);
                    clients.add(client);
                }
                Stats start = Stats.of(starts);
                results.put("startToPrompt", start);
                out.printf("%n  %-44s %s (target p95 <= 300 ms)%n", "terminal: WebSocket open -> first prompt", start);

                Stats echo = Stats.of(typeEverywhere(clients));
                results.put("keystrokeEcho", echo);
                out.printf("  %-44s %s (target p95 <= 20 ms)%n", "terminal: key -> its echo, " + TERMINALS + " typing", echo);
            } finally {
                clients.forEach(Client::close);
            }

            long residentBefore = server.residentBytes();
            Map<String, Object> flood;
            try {
                flood = flood(server);
            } catch (RuntimeException e) {
                List<String> log = java.nio.file.Files.readAllLines(dir.resolve("server.log"));
                out.println("terminal: the server's log ends with:");
                log.subList(Math.max(0, log.size() - 30), log.size()).forEach(line -> out.println("  " + line));
                throw e;
            }
            long residentAfter = server.residentBytes();
            flood.put("residentBeforeMB", residentBefore >> 20);
            flood.put("residentAfterMB", residentAfter >> 20);
            results.put("output", flood);
            out.printf("  %-44s %.1f MB/s for one terminal, %.1f MB/s for %d side by side (each paced to 2 MiB/s)%n",
                    "terminal: output", flood.get("oneTerminalMBps"), flood.get("allTerminalsMBps"), FLOODERS);
            out.printf("  %-44s %d MB before, %d MB after %d MB of output%n%n", "terminal: server resident memory",
                    residentBefore >> 20, residentAfter >> 20, (Long) flood.get("totalMB"));
        }
        return results;
    }

    /** Every terminal types at once, a key every {@link #KEY_GAP}; each key is timed to its echo. */
    private List<Long> typeEverywhere(List<Client> clients) throws Exception {
        List<Long> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> typing = new ArrayList<>();
            for (Client client : clients) {
                typing.add(pool.submit(() -> {
                    for (int k = 0; k < KEYS_EACH; k++) {
                        char key = (char) ('a' + k % 26);
                        all.add(client.keyToEcho(key));
                        if (k % 20 == 19) {
                            client.send("i\u0015");
                        }
                        Thread.sleep(KEY_GAP.toMillis());
                    }
                    return null;
                }));
            }
            for (Future<?> one : typing) {
                one.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return all;
    }

    /** One terminal prints 20 MB, then {@value #FLOODERS} print 10 MB each side by side. */
    private Map<String, Object> flood(Server server) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        String cookie = server.signUp("flooder", "flooder-password");
        try (Client one = Client.open(server.base(), cookie)) {
            one.send("sflood-alone 120 30");
            one.await(text -> text.contains("@dockstep"), Duration.ofSeconds(30));
            results.put("oneTerminalMBps", one.floodMBps(20_000_000));
        }
        out.printf("terminal: %d terminals print %d MB each …%n", FLOODERS, FLOOD_BYTES_EACH / 1_000_000);
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < FLOODERS; i++) {
                Client client = Client.open(server.base(), server.signUp("flood" + i, "flooder-password-" + i));
                client.send("sflood-tab-" + i + " 120 30");
                client.await(text -> text.contains("@dockstep"), Duration.ofSeconds(30));
                clients.add(client);
            }
            long began = System.nanoTime();
            List<CompletableFuture<Double>> floods = clients.stream()
                    .map(c -> CompletableFuture.supplyAsync(() -> c.floodMBps(FLOOD_BYTES_EACH))).toList();
            floods.forEach(CompletableFuture::join);
            double seconds = (System.nanoTime() - began) / 1e9;
            results.put("allTerminalsMBps", Math.round(FLOODERS * FLOOD_BYTES_EACH / 1e6 / seconds * 10) / 10.0);
            results.put("totalMB", (20_000_000 + FLOODERS * FLOOD_BYTES_EACH) / 1_000_000);
        } finally {
            clients.forEach(Client::close);
        }
        return results;
    }

    /** A page's terminal, as the benchmark drives it. */
    private static final class Client implements WebSocket.Listener, AutoCloseable {
        private final StringBuilder recent = new StringBuilder();
        private final AtomicLong received = new AtomicLong();
        private final AtomicReference<CompletableFuture<Long>> nextOutput = new AtomicReference<>();
        private volatile CompletableFuture<Void> waiting;
        private volatile Predicate<String> waitingFor;
        private WebSocket socket;

        static Client open(String base, String cookie) throws Exception {
            Client client = new Client();
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Cookie", cookie)
                    .header("Origin", base).buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/terminal"), client)
                    .get(30, TimeUnit.SECONDS);
            return client;
        }

        void send(String message) {
            socket.sendText(message, true).join();
        }

        /** Sends one key and returns the nanoseconds until the shell's echo of it arrives. */
        long keyToEcho(char key) throws Exception {
            CompletableFuture<Long> echo = new CompletableFuture<>();
            nextOutput.set(echo);
            long sent = System.nanoTime();
            send("i" + key);
            return echo.get(30, TimeUnit.SECONDS) - sent;
        }

        /** Waits until what the shell printed lately matches. */
        void await(Predicate<String> condition, Duration within) throws Exception {
            CompletableFuture<Void> done = new CompletableFuture<>();
            synchronized (recent) {
                waitingFor = condition;
                waiting = done;
                if (condition.test(recent.toString())) {
                    done.complete(null);
                }
            }
            try {
                done.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw (RuntimeException) e.getCause();
            } catch (java.util.concurrent.TimeoutException e) {
                String shown;
                synchronized (recent) {
                    shown = recent.length() > 300 ? recent.substring(recent.length() - 300) : recent.toString();
                }
                throw new IllegalStateException("the terminal did not show what was awaited within " + within
                        + "; its last output: " + shown.replaceAll("\\p{Cntrl}", "."), e);
            }
        }

        /** Prints {@code bytes} bytes of output and returns the rate at which they arrived, in MB/s. */
        double floodMBps(long bytes) {
            try {
                long before = received.get();
                long began = System.nanoTime();
                send("ihead -c " + bytes + " /dev/zero | tr '\\0' y; echo; echo \"flood-\"\"done\"\r");
                await(text -> text.contains("flood-done"), Duration.ofMinutes(5));
                double seconds = (System.nanoTime() - began) / 1e9;
                send("iclear\r");
                return Math.round((received.get() - before) / 1e6 / seconds * 10) / 10.0;
            } catch (Exception e) {
                throw new IllegalStateException("the flood did not finish: " + e, e);
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            long now = System.nanoTime();
            CompletableFuture<Long> echo = nextOutput.getAndSet(null);
            if (echo != null) {
                echo.complete(now);
            }
            received.addAndGet(data.remaining());
            synchronized (recent) {
                recent.append(StandardCharsets.UTF_8.decode(data));
                if (recent.length() > 8192) {
                    recent.delete(0, recent.length() - 4096);
                }
                if (waiting != null && waitingFor.test(recent.toString())) {
                    waiting.complete(null);
                    waiting = null;
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            CompletableFuture<Void> now = waiting;
            if (now != null) {
                now.completeExceptionally(new IllegalStateException("the server closed the terminal: " + statusCode + " "
                        + reason));
            }
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
