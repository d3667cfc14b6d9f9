package dev.dockstep.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.TerminalClient;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import io.javalin.Javalin;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The terminal over a real WebSocket: first through the whole app (sign-in, Origin, reattaching,
 * a flood), then through a small server of its own whose limits are small enough to reach.
 */
class TerminalIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestApp app;
    private static final java.util.concurrent.atomic.AtomicInteger LEARNERS = new java.util.concurrent.atomic.AtomicInteger();

    /** The small server: limits of 2 shells a learner and 3 on the server, 1 s unseen, a fast output rate. */
    private static final TerminalLimits SMALL = TerminalLimits.defaults().withShells(2, 3)
            .withIdleStop(Duration.ofSeconds(1)).withOutputRate(64 * 1024 * 1024);
    private static Path homes;
    private static Terminals terminals;
    private static Javalin small;

    @BeforeAll
    static void start() throws IOException {
        app = TestApp.start(Path.of("lessons"), config -> config);

        homes = Files.createTempDirectory(Path.of("/tmp"), "ds-terminals-");
        Path socket = homes.resolve("docker.sock");
        try (var channel = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        terminals = new Terminals(learner -> {
            if (learner.equals("full")) {
                throw new IllegalStateException("The server has no room for another sandbox; try again in a few minutes.");
            }
            try {
                Path home = Files.createDirectories(homes.resolve(learner));
                return new ShellAccount(learner, OptionalInt.empty(), OptionalInt.empty(), home, socket, home);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, SMALL);
        TerminalSocket socketRoute = new TerminalSocket(terminals, token -> Optional.ofNullable(token)
                .filter(t -> t.startsWith("token-")).map(t -> t.substring("token-".length())));
        small = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/ping", ctx -> ctx.result("pong"));
            config.routes.wsBeforeUpgrade(TerminalSocket.PATH, socketRoute::beforeUpgrade);
            config.routes.ws(TerminalSocket.PATH, socketRoute::configure);
        }).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        try {
            if (small != null) {
                small.stop();
            }
            if (terminals != null) {
                terminals.close();
            }
        } finally {
            RealDocker.deleteTree(homes);
            if (app != null) {
                app.close();
            }
        }
    }

    /** A learner signed up through the app for one test, so that no test meets another's shells. */
    private record Person(String name, WebClient web) {
        String cookieHeader() {
            return web.cookieHeader();
        }
    }

    private static Person learner(String name) {
        String unique = name + LEARNERS.incrementAndGet();
        return new Person(unique, new WebClient(app.base()).signUp(unique, "learner-password"));
    }

    private static TerminalClient open(Person learner) {
        return TerminalClient.open(app.base(), learner.cookieHeader(), app.base());
    }

    private static String smallBase() {
        return "http://localhost:" + small.port();
    }

    private static TerminalClient openSmall(String learner) {
        return TerminalClient.open(smallBase(), "dockstep_session=token-" + learner, smallBase());
    }

    private static String tab() {
        return "tab-" + UUID.randomUUID();
    }

    /**
     * Two learners' terminals on the real server, each over their own per-learner sandbox: each
     * shell runs as its learner's own user, sees only its learner's images, and reaches neither
     * the host's files nor the other learner's Docker.
     */
    @Test
    void two_learners_terminals_each_reach_only_their_own_docker() {
        Person alice = learner("alice");
        Person bob = learner("bob");
        var bobsSandbox = bob.web().sandbox();
        try (TerminalClient a = open(alice).start(tab(), 200, 40).awaitPrompt();
             TerminalClient b = open(bob).start(tab(), 200, 40).awaitPrompt()) {
            a.type("echo \"uid=\"\"$(id -u)\"; docker tag backend:0.1 alice-only:1 && echo \"tag\"\"ged\"\r")
                    .await("tagged", WAIT);
            b.type("echo \"uid=\"\"$(id -u)\"; docker images --format '{{.Repository}}:{{.Tag}}' | sort | tr '\\n' ' ';"
                    + " echo \"list\"\"ed\"\r").await("listed", WAIT);
            String aliceUid = uid(a.text());
            String bobUid = uid(b.text());
            assertNotEquals("0", aliceUid);
            assertNotEquals("0", bobUid);
            assertNotEquals(aliceUid, bobUid, "each learner is a Linux user of their own");
            assertTrue(b.text().contains("backend:0.1"), b.text());
            assertFalse(b.text().contains("alice-only"), "bob sees alice's image: " + b.text());

            // Neither the host's files, nor bob's gate, nor the daemons' own sockets are in alice's jail.
            String gate = bobsSandbox.dockerHost().replaceFirst("^unix://", "");
            a.type("for p in /work /root /etc/shadow " + gate + " " + Path.of(gate).getParent() + "; do"
                    + " ls -d $p >/dev/null 2>&1 && echo \"SEEN $p\" || echo \"hidden $p\"; done; echo \"look\"\"ed\"\r")
                    .await("looked", WAIT);
            assertFalse(a.text().contains("SEEN /"), a.text());
            a.type("DOCKER_HOST=unix://" + gate + " docker images; echo \"tri\"\"ed\"\r").await("tried", WAIT);
            assertTrue(a.text().contains("Cannot connect to the Docker daemon at unix://" + gate), a.text());
        }
    }

    private static String uid(String text) {
        Matcher m = Pattern.compile("uid=(\\d+)").matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    /** The shell's PID as the shell itself prints it, to tell one shell from another. */
    private static String shellPid(TerminalClient terminal) {
        String marker = "pid" + UUID.randomUUID().toString().substring(0, 8);
        // The quotes keep the command's own echo from matching.
        terminal.type("echo \"" + marker + "=\"\"$$\"\r");
        Pattern answer = Pattern.compile(marker + "=(\\d+)");
        Awaitility.await().atMost(WAIT).until(() -> answer.matcher(terminal.text()).find());
        Matcher m = answer.matcher(terminal.text());
        assertTrue(m.find());
        return m.group(1);
    }

    // --- through the whole app ---

    @Test
    void a_signed_in_learner_types_and_sees_the_echo_in_their_own_named_prompt() {
        Person alice = learner("alice");
        try (TerminalClient t = open(alice)) {
            t.start(tab(), 80, 24).awaitPrompt();
            t.type("echo $((6*7))\r").await("\n42\n", WAIT);
            assertTrue(t.text().contains(alice.name() + "@dockstep"), t.text());
        }
    }

    @Test
    void without_a_session_the_upgrade_is_refused() {
        assertEquals(401, assertThrows(TerminalClient.RefusedException.class,
                () -> TerminalClient.open(app.base(), null, app.base())).status);
        assertEquals(401, assertThrows(TerminalClient.RefusedException.class,
                () -> TerminalClient.open(app.base(), "dockstep_session=made-up", app.base())).status);
    }

    @Test
    void from_another_site_or_without_an_origin_the_upgrade_is_refused() {
        Person alice = learner("alice");
        assertEquals(403, assertThrows(TerminalClient.RefusedException.class,
                () -> TerminalClient.open(app.base(), alice.cookieHeader(), "http://evil.example")).status);
        assertEquals(403, assertThrows(TerminalClient.RefusedException.class,
                () -> TerminalClient.open(app.base(), alice.cookieHeader(), "http://localhost.evil.example")).status);
        assertEquals(403, assertThrows(TerminalClient.RefusedException.class,
                () -> TerminalClient.open(app.base(), alice.cookieHeader(), null)).status);
    }

    @Test
    void a_reload_reattaches_to_the_same_shell_and_replays_its_output() {
        Person alice = learner("alice");
        String tab = tab();
        String before;
        try (TerminalClient first = open(alice)) {
            first.start(tab, 80, 24).awaitPrompt();
            before = shellPid(first);
            first.type("echo \"remember-\"\"me\"\r").await("remember-me", WAIT);
        }
        try (TerminalClient again = open(alice)) {
            again.start(tab, 80, 24).await("remember-me", WAIT);
            assertEquals(before, shellPid(again), "the same shell");
        }
    }

    @Test
    void a_dropped_connection_reattaches_to_the_same_shell() {
        Person alice = learner("alice");
        String tab = tab();
        TerminalClient first = open(alice);
        first.start(tab, 80, 24).awaitPrompt();
        String before = shellPid(first);
        first.type("sleep 1; echo \"while-\"\"away\"\r");
        first.drop();
        try (TerminalClient again = open(alice)) {
            again.start(tab, 80, 24).await("while-away", WAIT);
            assertEquals(before, shellPid(again), "the same shell");
        }
    }

    @Test
    void a_second_window_with_the_same_tab_takes_the_shell_and_the_first_is_told() {
        Person alice = learner("alice");
        String tab = tab();
        try (TerminalClient first = open(alice); TerminalClient second = open(alice)) {
            first.start(tab, 80, 24).awaitPrompt();
            second.start(tab, 80, 24).awaitPrompt();
            assertEquals("4001 This terminal was opened in another window.", first.awaitClose(WAIT));
        }
    }

    @Test
    void a_learner_never_reaches_another_learners_shell_even_with_its_tab() {
        Person alice = learner("alice");
        Person bob = learner("bobby");
        String tab = tab();
        try (TerminalClient alices = open(alice); TerminalClient bobs = open(bob)) {
            alices.start(tab, 80, 24).awaitPrompt();
            alices.type("echo \"secret-of-\"\"alice\" > ~/secret; echo \"at-\"\"home\"; pwd\r").await("at-home", WAIT);
            bobs.start(tab, 80, 24).await(bob.name() + "@dockstep", WAIT);
            bobs.type("echo \"se\"\"en: $(cat ~/secret 2>&1)\"\r").await("seen: ", WAIT).awaitPrompt();
            assertFalse(bobs.text().contains("secret-of-alice"), bobs.text());
            assertFalse(bobs.text().contains(alice.name()), bobs.text());
            assertFalse(alices.isClosed(), "alice's page keeps her shell");
        }
    }

    @Test
    void when_the_shell_exits_the_page_is_told() {
        Person alice = learner("alice");
        try (TerminalClient t = open(alice)) {
            t.start(tab(), 80, 24).awaitPrompt();
            t.type("exit\r");
            assertEquals("4000 The shell ended.", t.awaitClose(WAIT));
        }
    }

    @Test
    void a_message_outside_the_protocol_closes_the_socket() {
        Person alice = learner("alice");
        try (TerminalClient t = open(alice)) {
            t.send("x-what-is-this");
            assertTrue(t.awaitClose(WAIT).startsWith("4400 "));
        }
        try (TerminalClient t = open(alice)) {
            t.send("s ../../other 80 24");
            assertTrue(t.awaitClose(WAIT).startsWith("4400 "));
        }
    }

    /** {@code yes} for a few seconds: the server's heap stays bounded and its pages keep answering. */
    @Test
    void an_output_flood_keeps_the_servers_memory_bounded_and_its_pages_answering() throws Exception {
        Person alice = learner("alice");
        long heapBefore = heapAfterGc();
        try (TerminalClient t = open(alice)) {
            t.start(tab(), 80, 24).awaitPrompt();
            t.type("yes flood-of-output\r");
            HttpClient http = HttpClient.newHttpClient();
            long slowest = 0;
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < end) {
                long sent = System.nanoTime();
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(app.base() + "/login")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                slowest = Math.max(slowest, System.nanoTime() - sent);
                Thread.sleep(100);
            }
            long heapDuring = heapAfterGc();
            t.type("\u0003");
            // The shell is the learner's again at once: the flood stops and the prompt comes back.
            t.type("echo \"after-\"\"flood\"\r").await("\nafter-flood\n", WAIT);
            System.out.printf("flood: %.1f MB received in 4 s, heap %d -> %d MB, slowest page %d ms%n",
                    t.bytesReceived() / 1e6, heapBefore >> 20, heapDuring >> 20, slowest / 1_000_000);
            assertTrue(t.bytesReceived() > 100_000, "the flood reached the page: " + t.bytesReceived());
            assertTrue(heapDuring - heapBefore < 32L << 20, "the heap grew by " + ((heapDuring - heapBefore) >> 20) + " MB");
            assertTrue(slowest < Duration.ofSeconds(5).toNanos(), "a page took " + slowest / 1_000_000 + " ms");
        }
    }

    /** Until each learner has a Docker of their own, a shell would be root on the host for anyone who signs up. */
    @Test
    void a_server_that_shares_one_docker_and_listens_beyond_this_machine_gives_no_terminal() {
        try (TestApp open = TestApp.start(Path.of("lessons"), c -> c.withHost("0.0.0.0")
                .withSandbox(dev.dockstep.Config.SandboxMode.SHARED))) {
            WebClient someone = new WebClient(open.base()).signUp("someone", "someone-password");
            try (TerminalClient t = TerminalClient.open(open.base(), someone.cookieHeader(), open.base())) {
                t.start(tab(), 80, 24);
                assertTrue(t.awaitClose(WAIT).startsWith("4003 The terminal is off on this server"));
                t.await("it shares one Docker among all learners and listens beyond this machine (--host 0.0.0.0).", WAIT);
            }
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // --- through the small server ---

    /** A browser that stops reading: the shell's writes block, and the server holds only its window. */
    @Test
    void a_page_that_stops_reading_blocks_the_shell_not_the_servers_memory() throws Exception {
        try (TerminalClient t = openSmall("stall")) {
            t.start(tab(), 80, 24).awaitPrompt();
            Shell shell = terminals.shells().stream().filter(s -> s.learner().equals("stall")).findFirst().orElseThrow();
            long heapBefore = heapAfterGc();
            t.stall();
            t.type("yes stalled-output\r");
            AtomicLong last = new AtomicLong(-1);
            // At 64 MiB/s, unchecked output would run into gigabytes; it must come to a stop instead.
            Awaitility.await("the shell's output to come to a stop while the page reads none of it").atMost(WAIT)
                    .pollInterval(Duration.ofSeconds(1)).until(() -> last.getAndSet(shell.bytesRead()) == shell.bytesRead());
            long stoppedAt = shell.bytesRead();
            long heapStalled = heapAfterGc();
            System.out.printf("stalled: the shell stopped after %.1f MB read; heap %d -> %d MB%n", stoppedAt / 1e6,
                    heapBefore >> 20, heapStalled >> 20);
            assertTrue(stoppedAt < 64L << 20, "read " + stoppedAt + " bytes while nobody read them");
            assertTrue(heapStalled - heapBefore < 32L << 20, "the heap grew by "
                    + ((heapStalled - heapBefore) >> 20) + " MB");
            t.resume();
            Awaitility.await().atMost(WAIT).until(() -> shell.bytesRead() > stoppedAt);
            t.type("\u0003");
        }
    }

    @Test
    void output_is_paced_to_the_rate_limit() throws Exception {
        TerminalLimits slow = SMALL.withOutputRate(256 * 1024);
        try (Terminals paced = new Terminals(learner -> account(learner), slow)) {
            RecordingScreen screen = new RecordingScreen();
            Terminals.Opening.Attached attached = (Terminals.Opening.Attached) paced.open("paced", tab(), 80, 24, screen);
            screen.await("@dockstep", WAIT);
            Shell shell = attached.shell();
            shell.input("yes paced-output\r".getBytes());
            Awaitility.await().atMost(WAIT).until(() -> shell.bytesRead() > 64 * 1024);
            long from = shell.bytesRead();
            long start = System.nanoTime();
            Thread.sleep(3000);
            long read = shell.bytesRead() - from;
            double seconds = (System.nanoTime() - start) / 1e9;
            shell.input(new byte[] {3});
            System.out.printf("paced: %.0f KiB/s against a limit of 256 KiB/s%n", read / 1024.0 / seconds);
            assertTrue(read <= 256 * 1024 * seconds + 64 * 1024 + 16 * 1024,
                    "read " + read + " bytes in " + seconds + " s at a limit of 256 KiB/s");
        }
    }

    private static ShellAccount account(String learner) {
        try {
            Path home = Files.createDirectories(homes.resolve(learner));
            return new ShellAccount(learner, OptionalInt.empty(), OptionalInt.empty(), home, homes.resolve("docker.sock"),
                    home);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_learner_over_their_limit_is_told_so_and_a_closed_tabs_shell_is_taken_over() {
        try (TerminalClient one = openSmall("carol"); TerminalClient two = openSmall("carol")) {
            one.start(tab(), 80, 24).awaitPrompt();
            two.start(tab(), 80, 24).awaitPrompt();
            String firstShell = shellPid(one);
            try (TerminalClient three = openSmall("carol")) {
                three.start(tab(), 80, 24);
                assertTrue(three.awaitClose(WAIT).startsWith("4003 You already have 2 terminals open"));
                three.await("You already have 2 terminals open, in other tabs or windows (at most 2)", WAIT);
            }
            one.close();
            try (TerminalClient four = openSmall("carol")) {
                four.start(tab(), 80, 24).awaitPrompt();
                assertEquals(firstShell, shellPid(four), "the new tab took the shell nobody was looking at");
            }
        }
        Awaitility.await().atMost(WAIT).until(() -> terminals.shells().stream().noneMatch(s -> s.learner().equals("carol")));
    }

    @Test
    void the_server_over_its_limit_says_so() {
        List<TerminalClient> open = new java.util.ArrayList<>();
        try {
            for (String learner : List.of("dave", "erin", "fred")) {
                TerminalClient t = openSmall(learner);
                open.add(t);
                t.start(tab(), 80, 24).awaitPrompt();
            }
            try (TerminalClient late = openSmall("gina")) {
                late.start(tab(), 80, 24);
                assertTrue(late.awaitClose(WAIT).startsWith("4003 This server is running as many terminals as it may (3)"));
                late.await("Try again in a few minutes.", WAIT);
            }
        } finally {
            open.forEach(TerminalClient::close);
        }
        Awaitility.await().atMost(WAIT).until(() -> terminals.running() == 0);
    }

    @Test
    void a_sandbox_that_cannot_be_given_is_a_message_in_the_terminal() {
        try (TerminalClient t = openSmall("full")) {
            t.start(tab(), 80, 24);
            assertTrue(t.awaitClose(WAIT).startsWith("4003 The server has no room for another sandbox"));
            t.await("dockstep: The server has no room for another sandbox; try again in a few minutes.", WAIT);
        }
    }

    @Test
    void a_shell_no_page_shows_stops_after_the_idle_time_and_leaves_no_process() {
        long pid;
        List<ProcessHandle> tree;
        try (TerminalClient t = openSmall("hank")) {
            t.start(tab(), 80, 24).awaitPrompt();
            t.type("sleep 600 &\r");
            Shell shell = terminals.shells().stream().filter(s -> s.learner().equals("hank")).findFirst().orElseThrow();
            pid = shell.pid();
            Awaitility.await().atMost(WAIT).until(() -> ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                    .anyMatch(p -> p.info().command().orElse("").endsWith("sleep")));
            tree = java.util.stream.Stream.concat(ProcessHandle.of(pid).stream(),
                    ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)).toList();
            // While a page shows it, the shell stays, however long.
            Awaitility.await().during(Duration.ofMillis(2500)).atMost(WAIT).until(() -> Shell.running(tree.get(0)));
        }
        Awaitility.await().atMost(WAIT).until(() -> tree.stream().noneMatch(Shell::running)
                && terminals.shells().stream().noneMatch(s -> s.learner().equals("hank")));
    }

    @Test
    void the_small_server_still_answers_plain_requests() throws Exception {
        HttpResponse<String> pong = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(smallBase() + "/ping"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(Map.of(200, "pong"), Map.of(pong.statusCode(), pong.body()));
    }
}
