package dev.dockstep.terminal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** A page as the shell sees it, without a browser: keeps what was shown, and how it was let go. */
final class RecordingScreen implements Shell.Screen {
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]|\u001b\\][^\u0007]*\u0007|\r");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    @Override
    public void output(ByteBuffer data, Runnable sent) {
        synchronized (bytes) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            bytes.writeBytes(copy);
        }
        sent.run();
    }

    @Override
    public void close(int code, String reason) {
        closed.complete(code + " " + reason);
    }

    /** Everything shown, escape sequences and all. */
    String raw() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** What a person would read: without colours and cursor moves. */
    String text() {
        return ESCAPES.matcher(raw()).replaceAll("");
    }

    RecordingScreen await(String expected, Duration within) {
        try {
            Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> text().contains(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String text = text();
            throw new AssertionError("the terminal did not show \"" + expected + "\" within " + within + "; it shows:\n"
                    + (text.length() > 3000 ? "…" + text.substring(text.length() - 3000) : text), e);
        }
        return this;
    }
}
