package dev.dockstep.check;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.lesson.Check;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon that accepts connections and never answers: a real hung socket, the one fault a
 * healthy dockerd cannot be made to show on demand.
 */
class HungDockerIT {
    private static final Duration DEADLINE = Duration.ofMillis(500);
    private Path dir;
    private ServerSocketChannel server;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void hang() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "ds-hung-");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("docker.sock")));
        threads.execute(this::serve);
    }

    /**
     * One thread and a selector: each round first notices the connections that closed, then
     * accepts new ones. A client closes one connection before it opens the next, so the count
     * never sees both at once (with a thread per connection it sometimes did).
     */
    private void serve() {
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (server.isOpen()) {
                selector.select(100);
                List<SelectionKey> ready = new ArrayList<>(selector.selectedKeys());
                selector.selectedKeys().clear();
                ready.sort(java.util.Comparator.comparing(key -> key.isValid() && key.isAcceptable()));
                for (SelectionKey key : ready) {
                    if (key.isValid() && key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        buffer.clear();
                        if (client.read(buffer) < 0) {
                            key.cancel();
                            client.close();
                            open.decrementAndGet();
                        }
                    } else if (key.isValid() && key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client != null) {
                            client.configureBlocking(false);
                            client.register(selector, SelectionKey.OP_READ);
                            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                        }
                    }
                }
            }
        } catch (Exception e) {
            // the server was closed at the end of the test
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        threads.shutdownNow();
        Files.deleteIfExists(dir.resolve("docker.sock"));
        Files.deleteIfExists(dir);
    }

    @Test
    void a_hung_daemon_gives_a_timed_out_verdict_on_time() {
        try (DockerFacts facts = new DockerFacts("unix://" + dir.resolve("docker.sock"), DEADLINE)) {
            Verifier verifier = new Verifier(DEADLINE, 4);
            Instant start = Instant.now();
            Verdict verdict = verifier.verify(List.of(new Check("image", List.of("backend:0.1"), 1)),
                    Function.identity(), context(facts)).results().get(0).verdict();
            Duration took = Duration.between(start, Instant.now());
            assertInstanceOf(Verdict.Unavailable.class, verdict);
            assertTrue(verdict.reason().startsWith("The check timed out"), verdict.reason());
            // Without the deadline this never returns; the slack is for a busy CI machine.
            assertTrue(took.compareTo(DEADLINE.plusSeconds(2)) < 0, "took " + took);
        }
    }

    @Test
    void concurrent_checks_against_one_daemon_are_bounded() throws Exception {
        // The requests themselves may wait longer than the checks: the two checks that get in hold
        // their places past the others' deadline, so no place changes hands during the test. (When
        // one did, the client's close and the next connect could reach the server out of order.)
        try (DockerFacts facts = new DockerFacts("unix://" + dir.resolve("docker.sock"), Duration.ofSeconds(5))) {
            Verifier verifier = new Verifier(DEADLINE, 2);
            List<Future<StepVerdict>> running = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                running.add(threads.submit(() -> verifier.verify(List.of(new Check("image", List.of("backend:0.1"), 1)),
                        Function.identity(), context(facts))));
            }
            for (Future<StepVerdict> verdict : running) {
                assertInstanceOf(Verdict.Unavailable.class, verdict.get().results().get(0).verdict());
            }
            assertTrue(mostOpen.get() <= 2, mostOpen.get() + " connections were open at once");
            assertTrue(mostOpen.get() >= 1, "the daemon was asked at all");
        }
    }

    @Test
    void a_request_interrupted_while_docker_hangs_is_an_interruption_not_an_unreachable_daemon() throws Exception {
        try (DockerFacts facts = new DockerFacts("unix://" + dir.resolve("docker.sock"), Duration.ofSeconds(30))) {
            Throwable thrown = interruptedWhileAsking(() -> facts.image(ImageRef.parse("backend:0.1")));
            assertInstanceOf(DockerInterrupted.class, thrown, String.valueOf(thrown));
            assertTrue(thrown.getMessage().startsWith("The check was interrupted before Docker at unix://"),
                    thrown.getMessage());
        }
    }

    @Test
    void a_check_interrupted_while_docker_hangs_gets_a_verdict_that_says_so() throws Exception {
        // The thread that decides a check is interrupted when its deadline passes or the server stops.
        try (DockerFacts facts = new DockerFacts("unix://" + dir.resolve("docker.sock"), Duration.ofSeconds(30))) {
            AtomicReference<Verdict> verdict = new AtomicReference<>();
            Throwable thrown = interruptedWhileAsking(() -> verdict.set(Verifier.decide("image", List.of("backend:0.1"),
                    context(facts), Instant.EPOCH)));
            assertEquals(null, thrown, "a check gives a verdict, never an exception");
            assertInstanceOf(Verdict.Unavailable.class, verdict.get());
            assertTrue(verdict.get().reason().startsWith("The check was interrupted"), verdict.get().reason());
            assertEquals("Check again.", verdict.get().hint());
        }
    }

    /** Work that asks Docker. */
    private interface Asking {
        void ask() throws Exception;
    }

    /**
     * Runs {@code asking} on a thread of its own, interrupts the thread once the daemon holds its
     * connection, and returns what it threw (null for nothing).
     */
    private Throwable interruptedWhileAsking(Asking asking) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                asking.ask();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "asking");
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> mostOpen.get() >= 1);
        thread.interrupt();
        // Far sooner than the 30 s after which the request would give up by itself.
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private static CheckContext context(DockerFacts facts) {
        return new CheckContext(facts, new RegistryClient(host -> Optional.empty(), DEADLINE), Path.of("/nonexistent"),
                Instant.EPOCH);
    }
}
