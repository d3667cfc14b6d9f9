package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.WebClient;
import dev.dockstep.sandbox.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an anonymous visitor could do to take the server down, each bounded in count and time
 * and sent to loopback only: against {@code dockstep serve} as a user runs it, in a process of
 * its own with a 64 MB heap (half of what {@code bin/dockstep} gives it), so that a leak shows
 * as failed requests within seconds.
 */
class HostileClientsIT {
    private static final int LEARNER_STREAMS = 5;
    private static Path dir;
    private static DockstepProcess serve;
    private static int port;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        dir = dev.dockstep.harness.TestApp.dataFolder("ds-hostile-");
        port = Ports.free();
        serve = DockstepProcess.start(List.of("-Xmx64m", "-XX:+UseSerialGC"), Map.of(), "serve",
                "--data", dir.resolve("data").toString(), "--lessons", "lessons", "--port", Integer.toString(port),
                "--registry-port", Integer.toString(Ports.free()),
                "--company-registry-port", Integer.toString(Ports.free()), "--idle-timeout", "3",
                "--streams-per-learner", Integer.toString(LEARNER_STREAMS), "--sandbox-pool", "0");
        serve.awaitOutput("Stop with Ctrl-C.");
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        try {
            if (serve != null) {
                serve.close();
            }
        } finally {
            dev.dockstep.harness.TestApp.removeSandboxUsers(dir.resolve("data"));
            RealDocker.deleteTree(dir);
        }
    }

    @Test
    void two_thousand_failed_sign_ins_with_long_made_up_names_leave_the_server_answering() throws Exception {
        // Each name is 30 KB: kept as a throttle key, 2,000 of them are more than the whole heap.
        long before = heapAfterCollection();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 2_000; i++) {
            String name = "n" + i + "x".repeat(30_000);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"" + name + "\",\"password\":\"guess-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode(), "sign-in " + i + ": " + response.body());
        }
        long grown = heapAfterCollection() - before;
        // Kept names would be 60 MB; the bound leaves room for what warms up meanwhile (buffers,
        // classes, caches), which measured 1-4.3 MB on a busy machine.
        assertTrue(grown < 8 << 20, "the heap grew by " + (grown >> 10) + " KB");
        assertHealthy();
        WebClient web = new WebClient(base).signUp("survivor", "survivor-password");
        assertEquals(200, web.get("/api/me").statusCode());
    }

    @Test
    void a_lesson_page_asked_for_with_three_thousand_different_csrf_cookies_is_kept_once() throws Exception {
        WebClient web = new WebClient(base).signUp("cookies", "cookies-password");
        String session = "dockstep_session=" + web.cookie("dockstep_session").getValue();
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create(base + "/courses/docker-hub/push")).header("Cookie", session).build(),
                HttpResponse.BodyHandlers.discarding());
        long before = heapAfterCollection();
        String first = null;
        for (int i = 0; i < 3_000; i++) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/courses/docker-hub/push"))
                    .timeout(Duration.ofSeconds(30)).header("Cookie", session + "; dockstep_csrf=changing-cookie-" + i).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), "request " + i);
            if (first == null) {
                first = page.body();
            }
        }
        long grown = heapAfterCollection() - before;
        // Kept once for each cookie, the pages would take 3,000 times their size.
        assertTrue(grown < 3_000L * first.length() / 10, "the heap grew by " + (grown >> 10) + " KB for pages of "
                + first.length() + " characters");
        assertFalse(first.contains("changing-cookie-"), "the page's forms carry the session's token, not the cookie");
        assertHealthy();
    }

    @Test
    void truncated_and_malformed_requests_are_one_line_4xx_and_at_most_a_line_in_the_log() throws Exception {
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        List<String> requests = List.of(
                "POST /api/signup HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
                "POST /api/login HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{not}",
                "POST /login HTTP/1.1\r\n" + host + "Content-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 100\r\n\r\nusername=a",
                "POST /login HTTP/1.1\r\n" + host + "Content-Type: multipart/form-data; boundary=xx\r\n"
                        + "Content-Length: 20\r\n\r\n--xx\r\ngarbage here",
                "POST /api/signup HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
                "POST /api/signup HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n",
                "POST /api/check/a/b/c HTTP/1.1\r\n" + host + "Content-Type: application/json; charset=bogus\r\n"
                        + "Content-Length: 2\r\n\r\n{}",
                "POST /api/login HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: 30\r\n\r\n"
                        + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                "GET /courses/%ZZ/x HTTP/1.1\r\n" + host + "\r\n",
                "GET /healthz HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        int logLines = serve.output().split("\n").length;
        for (int round = 0; round < 20; round++) {
            for (String request : requests) {
                String answer = send(request, true, Duration.ofSeconds(10));
                int status = Integer.parseInt(answer.substring(9, 12));
                assertTrue(status >= 400 && status < 500, request + "\n→ " + answer);
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                if (answer.toLowerCase(Locale.ROOT).contains("content-type: application/json")) {
                    assertEquals(1, body.strip().lines().count(), "one line: " + body);
                    assertTrue(body.startsWith("{\"error\":\""), body);
                }
            }
        }
        String log = serve.output();
        assertFalse(log.contains("\tat "), log);
        assertFalse(log.contains("Exception"), log);
        assertTrue(log.split("\n").length - logLines <= requests.size() * 20, "at most a line each");
        assertHealthy();
    }

    @Test
    void request_bodies_sent_a_byte_at_a_time_hold_no_thread_and_are_cut_off() throws Exception {
        // More slow clients than the server has threads: today each held one as long as it liked.
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                        + (i % 5 == 0 ? "" : "{")).getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            long began = System.nanoTime();
            while (System.nanoTime() - began < Duration.ofSeconds(12).toNanos()) {
                for (int i = 0; i < slow.size(); i++) {
                    if (i % 5 != 0) {
                        try {
                            slow.get(i).getOutputStream().write(' ');
                        } catch (IOException cutOff) {
                            // the server has answered and closed it
                        }
                    }
                }
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body());
                Thread.sleep(250);
            }
            // Every slow client has been answered with a 4xx and cut off by now: the trickles as too
            // many small chunks, the silent ones by the 3 s idle timeout.
            for (Socket socket : slow) {
                socket.setSoTimeout(5_000);
                String answer = readUntil(socket.getInputStream(), "\r\n");
                assertTrue(answer.startsWith("HTTP/1.1 408") || answer.startsWith("HTTP/1.1 413"), answer);
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void a_body_slower_than_the_minimum_rate_is_answered_408_after_its_first_second() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            long began = System.nanoTime();
            socket.setSoTimeout(200);
            String answer = "";
            // A byte every 200 ms: 5 bytes a second, where 1,024 are asked for; the chunks alone
            // would take six seconds to be refused.
            while (answer.isEmpty() && System.nanoTime() - began < Duration.ofSeconds(4).toNanos()) {
                try {
                    socket.getOutputStream().write(' ');
                } catch (IOException answered) {
                    // the server has answered and closed; the answer is waiting to be read
                }
                answer = read(socket.getInputStream());
            }
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            long seconds = Duration.ofNanos(System.nanoTime() - began).toSeconds();
            assertTrue(seconds < 3, "cut off after " + seconds + " s");
        }
    }

    @Test
    void event_streams_dropped_without_a_word_are_noticed_and_closed() throws Exception {
        WebClient web = new WebClient(base).signUp("streamer", "streamer-password");
        String cookie = "Cookie: dockstep_session=" + web.cookie("dockstep_session").getValue() + "\r\n";
        String stream = "GET /events?course=docker-hub&lesson=push HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Accept: text/event-stream\r\n";
        for (int i = 0; i < 400; i++) {
            // Open, wait to be registered (or refused, while dropped ones still count), and vanish.
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.getOutputStream().write((stream + (i % 2 == 0 ? cookie : "") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(5_000);
                String head = streamStart(socket.getInputStream());
                assertTrue(head.endsWith("event: connected\ndata: {}\n\n") || head.startsWith("HTTP/1.1 429"), head);
            }
        }
        // The heartbeat (within half the 3 s idle timeout) finds each dead stream and closes it:
        // no socket is left half-closed, and no dropped stream still counts against the learner.
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> closeWait(port) == 0);
        List<Socket> open = new ArrayList<>();
        try {
            // Generous: each dropped stream is found by a heartbeat write that fails, on a busy machine too.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                for (Socket socket : open) {
                    socket.close();
                }
                open.clear();
                for (int i = 0; i < LEARNER_STREAMS; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    open.add(socket);
                    socket.getOutputStream().write((stream + cookie + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    socket.setSoTimeout(5_000);
                    if (!streamStart(socket.getInputStream()).endsWith("event: connected\ndata: {}\n\n")) {
                        return false;
                    }
                }
                return true;
            });
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.getOutputStream().write((stream + cookie + "\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(5_000);
                String refused = streamStart(socket.getInputStream());
                assertTrue(refused.startsWith("HTTP/1.1 429"), refused);
                assertTrue(refused.contains("You have " + LEARNER_STREAMS + " live pages open, the limit;"), refused);
                assertTrue(refused.contains("Retry-After: "), refused);
            }
            // A live stream hears the heartbeat, so a proxy or browser never takes it for dead.
            assertEquals(": \n", readUntil(open.get(0).getInputStream(), "\n"));
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    private static void assertHealthy() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"memory\":{\"status\":\"ok\"}"), health.body());
    }

    /** Sends a raw request, optionally half-closing after it, and reads the whole answer. */
    private static String send(String request, boolean halfClose, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            if (halfClose) {
                socket.shutdownOutput();
            }
            return read(socket.getInputStream());
        }
    }

    /** Until the server closes, or goes quiet for the socket's timeout. */
    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException stopped) {
            // what came so far is the answer
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Up to and including the first {@code end}. */
    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            text.append((char) c);
            if (text.length() >= end.length() && text.lastIndexOf(end) == text.length() - end.length()) {
                break;
            }
        }
        return text.toString();
    }

    /** An event stream's head and its first event, or a refusal's head and body, without waiting for the close. */
    private static String streamStart(InputStream in) throws IOException {
        String head = readUntil(in, "\r\n\r\n");
        if (head.startsWith("HTTP/1.1 200")) {
            return head + readUntil(in, "\n\n");
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("Content-Length: (\\d+)").matcher(head);
        return head + (length.find() ? new String(in.readNBytes(Integer.parseInt(length.group(1))),
                StandardCharsets.UTF_8) : "");
    }

    /** The server's heap in use after a full collection, as the JDK's own jcmd reports it. */
    private static long heapAfterCollection() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String pid = Long.toString(serve.handle().pid());
        run(jcmd, pid, "GC.run");
        long used = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("generation +total \\d+K, used (\\d+)K")
                .matcher(run(jcmd, pid, "GC.heap_info"));
        while (m.find()) {
            used += Long.parseLong(m.group(1)) * 1024;
        }
        assertTrue(used > 0, "jcmd said nothing of the heap");
        return used;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0, output);
        return output;
    }

    /** Server-side sockets on the port whose client has gone while the server has not noticed (CLOSE_WAIT). */
    private static long closeWait(int port) throws IOException {
        String local = String.format(":%04X", port);
        long count = 0;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            // One read: the table changes between two reads as sockets come and go.
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[1].endsWith(local) && fields[3].equals("08")) {
                    count++;
                }
            }
        }
        return count;
    }
}
