package dev.dockstep.harness;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A page's terminal as a test sees it: a real WebSocket to {@code /terminal} that speaks the
 * page's protocol and keeps what the shell printed. {@link #stall} stops reading, as a slow
 * browser or link would.
 */
public final class TerminalClient implements WebSocket.Listener, AutoCloseable {
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]|\u001b\\][^\u0007]*\u0007|\r");
    /** Output kept for assertions, the latest of it; a flood is counted, not kept whole. */
    private static final int KEEP = 1024 * 1024;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final AtomicLong received = new AtomicLong();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile boolean stalled;
    private WebSocket socket;

    private TerminalClient() {
    }

    /**
     * Opens {@code /terminal} with the given Cookie and Origin headers (either may be null).
     *
     * @throws RefusedException with the HTTP status when the server refuses the upgrade
     */
    public static TerminalClient open(String base, String cookie, String origin) {
        TerminalClient client = new TerminalClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            client.socket = builder.buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/terminal"), client)
                    .get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new RefusedException(refused.getResponse().statusCode());
            }
            throw new AssertionError("cannot open the terminal's WebSocket: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError("cannot open the terminal's WebSocket: " + e, e);
        }
        return client;
    }

    /** The server answered the upgrade with an HTTP status instead of a WebSocket. */
    public static final class RefusedException extends RuntimeException {
        public final int status;

        RefusedException(int status) {
            super("refused with HTTP " + status);
            this.status = status;
        }
    }

    public TerminalClient start(String tab, int cols, int rows) {
        return send("s" + tab + " " + cols + " " + rows);
    }

    public TerminalClient type(String text) {
        return send("i" + text);
    }

    public TerminalClient resize(int cols, int rows) {
        return send("r" + cols + " " + rows);
    }

    public TerminalClient send(String message) {
        socket.sendText(message, true).join();
        return this;
    }

    /** Drops the connection without a close frame, as a lost network does. */
    public void drop() {
        socket.abort();
    }

    /** Stops reading: the server's sends back up, as they do for a slow browser. */
    public void stall() {
        stalled = true;
    }

    /** Reads again. */
    public void resume() {
        stalled = false;
        socket.request(1);
    }

    /** What the shell printed lately (up to a megabyte), without colours and cursor moves. */
    public String text() {
        synchronized (output) {
            return ESCAPES.matcher(output.toString(StandardCharsets.UTF_8)).replaceAll("");
        }
    }

    public long bytesReceived() {
        return received.get();
    }

    /** Waits until the output contains {@code expected}. */
    public TerminalClient await(String expected, Duration within) {
        try {
            Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> text().contains(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the terminal did not show \"" + expected + "\" within " + within + "; it shows:\n"
                    + tail(text()), e);
        }
        return this;
    }

    public TerminalClient awaitPrompt() {
        return await("@dockstep", Duration.ofSeconds(20));
    }

    /** Waits for the server to close the socket; returns "CODE reason". */
    public String awaitClose(Duration within) {
        try {
            return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the terminal was not closed within " + within + "; it shows:\n" + tail(text()), e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    private static String tail(String text) {
        return text.length() > 2000 ? "…" + text.substring(text.length() - 2000) : text;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        received.addAndGet(data.remaining());
        synchronized (output) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            if (output.size() + bytes.length > KEEP) {
                // Keep the latest half: what a test waits for comes last.
                byte[] all = output.toByteArray();
                output.reset();
                output.write(all, all.length / 2, all.length - all.length / 2);
            }
            output.writeBytes(bytes);
        }
        if (!stalled) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete("error " + error);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
        socket.abort();
    }
}
