package dev.dockstep.check;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * A daemon's image event stream, followed for as long as it lasts: live verification's source,
 * and what keeps an {@link ImageIndex} current. It needs a long-lived connection, so it has one of
 * its own, whose deadline never cuts the stream.
 */
public final class DockerEvents implements AutoCloseable {
    private final DockerRequests requests;

    public DockerEvents(String dockerHost) {
        this.requests = new DockerRequests(dockerHost, Duration.ofDays(1));
    }

    /**
     * Follows the daemon's image events from {@code since} until the stream ends (the daemon
     * stopped, or {@link #close} was called). Returns when it ends; the caller reconnects.
     * {@code onConnected} runs once the daemon has answered, before the first event.
     */
    public void followImageEvents(Instant since, Runnable onConnected, java.util.function.Consumer<Event> onEvent)
            throws DockerUnavailable {
        requests.ask(() -> {
            try (var callback = requests.client().eventsCmd().withSince(DockerImages.seconds(since)).withEventTypeFilter(EventType.IMAGE)
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onStart(java.io.Closeable stream) {
                            super.onStart(stream);
                            onConnected.run();
                        }

                        @Override
                        public void onNext(Event event) {
                            onEvent.accept(event);
                        }
                    })) {
                callback.awaitCompletion();
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    @Override
    public void close() {
        requests.close();
    }
}
