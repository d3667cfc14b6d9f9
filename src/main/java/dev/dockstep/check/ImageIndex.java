package dev.dockstep.check;

import com.github.dockerjava.api.model.Image;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's image names, kept in memory and marked stale by every image event, so that a
 * check of a step already done needs no request to Docker. {@link LiveVerifier} feeds it from the
 * event stream it follows anyway.
 *
 * <p>The rules that keep it honest:
 * <ul>
 *   <li>It answers only while the event stream is connected. Before, and after the stream is
 *       lost, every lookup goes to Docker.</li>
 *   <li>Any image event (tag, untag, delete, push, pull, load, import) marks it stale; the next
 *       lookup lists the images again, one listing shared by every lookup waiting for it.</li>
 *   <li>A failed verdict is never decided from memory alone: the event of a command that just
 *       finished may still be on its way. The {@link Verifier} first {@linkplain #catchUp catches
 *       up}: it asks the daemon for the image events up to now (a cheap request, shared by every
 *       check waiting for it), marks memory stale if any is news, and decides again.</li>
 *   <li>Only for a daemon on this machine (a unix socket): catching up compares the daemon's
 *       clock with ours.</li>
 * </ul>
 */
public final class ImageIndex {
    private final AtomicLong changes = new AtomicLong();
    private final Object listing = new Object();
    private final Object catchingUp = new Object();
    private volatile boolean following;
    private volatile Snapshot snapshot;
    /** The daemon's time of the newest event told, in nanoseconds since the epoch. */
    private volatile long seenNanos;
    /** Memory holds every change the daemon made up to this moment (nanoseconds since the epoch). */
    private volatile long currentUpToNanos;

    /**
     * The event stream is connected and replays from {@code since}. Changes may have been missed
     * meanwhile, so list again.
     */
    public void followed(Instant since) {
        seenNanos = Math.max(seenNanos, nanos(since));
        changes.incrementAndGet();
        following = true;
    }

    /** The event stream ended: answer nothing from memory until it is back. */
    public void lost() {
        following = false;
    }

    /** Whether the event stream is followed now, so that lookups may be answered from memory. */
    public boolean isFollowed() {
        return following;
    }

    /** How many changes it has been told of: for tests. */
    long changes() {
        return changes.get();
    }

    /** An image event arrived. */
    public void changed(Instant at) {
        changes.incrementAndGet();
        seenNanos = Math.max(seenNanos, nanos(at));
    }

    /** Asks the daemon whether it reported image events after one moment, up to another. */
    @FunctionalInterface
    interface EventLog {
        boolean anyAfter(Instant after, Instant until) throws DockerUnavailable;
    }

    /**
     * Makes sure memory holds every change the daemon made before {@code asOf}: one request to the
     * daemon's event log answers for every check that began before it was sent.
     */
    void catchUp(Instant asOf, EventLog log) throws DockerUnavailable {
        long wanted = nanos(asOf);
        if (currentUpToNanos >= wanted) {
            return;
        }
        synchronized (catchingUp) {
            if (currentUpToNanos >= wanted) {
                return;
            }
            Instant until = Instant.now();
            if (log.anyAfter(Instant.ofEpochSecond(0, seenNanos), until)) {
                // News still on its way to the stream: the next lookup lists again.
                changes.incrementAndGet();
            }
            currentUpToNanos = nanos(until);
        }
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    /** Lists every image in the daemon. */
    @FunctionalInterface
    interface Lister {
        List<Image> list() throws DockerUnavailable;
    }

    /** The images as of the last event, or empty while the event stream is not followed. */
    Optional<Snapshot> current(Lister lister) throws DockerUnavailable {
        if (!following) {
            return Optional.empty();
        }
        Snapshot known = snapshot;
        if (known != null && known.version() == changes.get()) {
            return Optional.of(known);
        }
        synchronized (listing) {
            long version = changes.get();
            known = snapshot;
            if (known == null || known.version() != version) {
                // Taken before listing: an event during the listing leaves the snapshot stale.
                known = Snapshot.of(lister.list(), version);
                snapshot = known;
            }
            return Optional.of(known);
        }
    }

    /**
     * Every named image at one moment, looked up by reference and by short name.
     *
     * @param version the count of changes it reflects
     */
    record Snapshot(Map<String, LocalImage> byRef, Map<String, List<String>> byShortName, long version) {
        static Snapshot of(List<Image> images, long version) {
            Map<String, LocalImage> byRef = new HashMap<>();
            Map<String, List<String>> byShortName = new HashMap<>();
            for (Image image : images) {
                LocalImage local = new LocalImage(image.getId(),
                        List.of(Objects.requireNonNullElse(image.getRepoDigests(), new String[0])),
                        List.of(Objects.requireNonNullElse(image.getRepoTags(), new String[0])));
                for (String tag : Objects.requireNonNullElse(image.getRepoTags(), new String[0])) {
                    if (tag.equals("<none>:<none>")) {
                        continue;
                    }
                    try {
                        ImageRef ref = ImageRef.parse(tag);
                        byRef.put(ref.familiar(), local);
                        byShortName.computeIfAbsent(ref.shortName(), k -> new ArrayList<>()).add(tag);
                    } catch (ImageRef.InvalidReference e) {
                        // Docker shows only valid names; nothing to index otherwise.
                    }
                }
            }
            byShortName.values().forEach(tags -> tags.sort(null));
            return new Snapshot(Map.copyOf(byRef), Map.copyOf(byShortName), version);
        }

        Optional<LocalImage> image(ImageRef ref) {
            return Optional.ofNullable(byRef.get(ref.familiar()));
        }

        /** The names of images with the same last path part, sorted: "images named backend: …". */
        List<String> namesakes(ImageRef ref) {
            return byShortName.getOrDefault(ref.shortName(), List.of());
        }
    }
}
