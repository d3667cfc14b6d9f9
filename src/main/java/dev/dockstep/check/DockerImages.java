package dev.dockstep.check;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Image;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What checks ask of a daemon's images: which image a name points at, which images share its
 * short name, and which pulls the daemon reported. Lookups are answered from an {@link ImageIndex}
 * while the daemon's event stream is followed, and a failure first catches memory up with the
 * daemon's event log (see {@link Verifier}).
 */
final class DockerImages {
    private static final long IMAGE_LIST_NANOS = 500_000_000L;

    private final DockerRequests requests;
    /** Null for a daemon that is always asked. */
    private final ImageIndex index;
    private final Object listingLock = new Object();
    private volatile ListedImages listed;

    private record ListedImages(ImageIndex.Snapshot images, long at) {
    }

    /** @param index null to ask Docker every time; memory is only used for a daemon on this machine */
    DockerImages(DockerRequests requests, ImageIndex index) {
        this.requests = requests;
        this.index = requests.dockerHost().startsWith("unix://") ? index : null;
    }

    /** Whether image lookups are answered from memory now (see {@link ImageIndex}). */
    boolean answersFromMemory() {
        return index != null && index.isFollowed();
    }

    /**
     * Makes sure that image lookups from memory reflect every change the daemon made before
     * {@code asOf}, by asking the daemon's event log (see {@link ImageIndex#catchUp}).
     */
    void catchUp(Instant asOf) throws DockerUnavailable {
        if (index != null) {
            index.catchUp(asOf, this::anyImageEventAfter);
        }
    }

    /**
     * The image that {@code ref} names in the daemon, if any: from memory while the event stream
     * is followed, else from Docker. A reference by digest always asks Docker.
     */
    public Optional<LocalImage> image(ImageRef ref) throws DockerUnavailable {
        if (index != null && ref.digest().isEmpty()) {
            Optional<ImageIndex.Snapshot> known = index.current(this::listImages);
            if (known.isPresent()) {
                return known.get().image(ref);
            }
        }
        return requests.ask(() -> {
            try {
                InspectImageResponse found = requests.client().inspectImageCmd(ref.familiar()).exec();
                return Optional.of(new LocalImage(found.getId(),
                        List.copyOf(Objects.requireNonNullElse(found.getRepoDigests(), List.of())),
                        List.copyOf(Objects.requireNonNullElse(found.getRepoTags(), List.of()))));
            } catch (NotFoundException absent) {
                return Optional.empty();
            }
        });
    }

    /**
     * The names of the images that share {@code ref}'s last path part, sorted, for explaining what
     * is there instead. It only feeds the wording of a failure ("images named backend: …"), never
     * a verdict, so without the index a listing up to half a second old is reused: listing every
     * image is the costliest request a check makes.
     */
    public List<String> namesakes(ImageRef ref) throws DockerUnavailable {
        if (index != null) {
            Optional<ImageIndex.Snapshot> known = index.current(this::listImages);
            if (known.isPresent()) {
                return known.get().namesakes(ref);
            }
        }
        ListedImages known = listed;
        if (known == null || System.nanoTime() - known.at() >= IMAGE_LIST_NANOS) {
            // One listing for every check that finds it old, not one each.
            synchronized (listingLock) {
                known = listed;
                if (known == null || System.nanoTime() - known.at() >= IMAGE_LIST_NANOS) {
                    known = new ListedImages(ImageIndex.Snapshot.of(listImages(), 0), System.nanoTime());
                    listed = known;
                }
            }
        }
        return known.images().namesakes(ref);
    }

    /** The images with no tag left ({@code docker image prune}'s), each as its ID and the digests it still has. */
    public List<LocalImage> dangling() throws DockerUnavailable {
        return requests.ask(() -> requests.client().listImagesCmd().withDanglingFilter(true).exec()).stream()
                .map(image -> new LocalImage(image.getId(),
                        image.getRepoDigests() == null ? List.of() : List.of(image.getRepoDigests()),
                        image.getRepoTags() == null ? List.of() : List.of(image.getRepoTags())))
                .toList();
    }

    private List<Image> listImages() throws DockerUnavailable {
        return requests.ask(() -> requests.client().listImagesCmd().exec());
    }

    /** Whether the daemon logged an image event after {@code after}, up to {@code until}. */
    private boolean anyImageEventAfter(Instant after, Instant until) throws DockerUnavailable {
        long afterNanos = after.getEpochSecond() * 1_000_000_000L + after.getNano();
        java.util.concurrent.atomic.AtomicBoolean any = new java.util.concurrent.atomic.AtomicBoolean();
        imageEvents(after, until, null, event -> {
            if (event.getTimeNano() == null || event.getTimeNano() > afterNanos) {
                any.set(true);
            }
        });
        return any.get();
    }

    /** The image pulls the daemon reported since {@code since}, as the references it names. */
    public List<String> pullsSince(Instant since) throws DockerUnavailable {
        List<String> pulls = new ArrayList<>();
        imageEvents(since, Instant.now(), "pull", event -> {
            if (event.getId() != null) {
                pulls.add(event.getId());
            }
        });
        return pulls;
    }

    /**
     * The image events the daemon logged from {@code since} to {@code until} (of one action, or
     * all when {@code action} is null). An answer cut short by the deadline is an error, never
     * taken for "no events".
     */
    private void imageEvents(Instant since, Instant until, String action, java.util.function.Consumer<Event> each)
            throws DockerUnavailable {
        boolean complete = requests.ask(() -> {
            var command = requests.client().eventsCmd().withSince(seconds(since)).withUntil(seconds(until))
                    .withEventTypeFilter(EventType.IMAGE);
            if (action != null) {
                command = command.withEventFilter(action);
            }
            try {
                return command.exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        each.accept(event);
                    }
                }).awaitCompletion(requests.deadline().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading Docker's events", e);
            }
        });
        if (!complete) {
            throw new DockerUnavailable("Docker at " + requests.dockerHost() + " did not list its events within "
                    + requests.deadline().toMillis() + " ms", null);
        }
    }

    static String seconds(Instant instant) {
        return instant.getEpochSecond() + "." + String.format("%09d", instant.getNano());
    }
}
