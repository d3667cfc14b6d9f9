package dev.dockstep.harness;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads a server-sent event stream as a browser's EventSource would, one event at a time. */
public final class SseClient implements AutoCloseable {
    /** One event, with the moment it arrived. */
    public record Event(String name, String data, long arrivedNanos) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean connected;

    public SseClient(String url) {
        this(url, "");
    }

    /** @param cookie a {@code Cookie} header value, to follow the stream as a signed-in person */
    public SseClient(String url, String cookie) {
        reader = new Thread(() -> read(url, cookie), "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until the server has accepted the stream. */
    public SseClient awaitConnected() {
        org.awaitility.Awaitility.await("the event stream to connect").atMost(Duration.ofSeconds(5))
                .until(() -> connected);
        return this;
    }

    /** The next event, or null after the timeout. */
    public Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void read(String url, String cookie) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
            if (!cookie.isEmpty()) {
                request.header("Cookie", cookie);
            }
            HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith(":")) {
                        continue;
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    } else if (line.isEmpty() && "connected".equals(name)) {
                        connected = true; // the server has registered this stream
                        name = "message";
                        data.setLength(0);
                    } else if (line.isEmpty() && data.length() > 0) {
                        events.add(new Event(name, data.toString(), System.nanoTime()));
                        name = "message";
                        data.setLength(0);
                    }
                }
            }
        } catch (Exception e) {
            // the stream ended
        }
    }

    @Override
    public void close() {
        reader.interrupt();
    }
}
