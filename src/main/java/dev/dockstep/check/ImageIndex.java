package dev.dockstep.check;

import com.github.dockerjava.api.model.Image;
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
 *   <li>A failed verdict is never decided from memory alone: the {@link Verifier} asks Docker
 *       again, because the event of a command that just finished may still be on its way.</li>
 * </ul>
 */
public final class ImageIndex {
    private final AtomicLong changes = new AtomicLong();
    private final Object listing = new Object();
    private volatile boolean following;
    private volatile Snapshot snapshot;

    /** The event stream is connected. Changes may have been missed meanwhile, so list again. */
    public void followed() {
        changes.incrementAndGet();
        following = true;
    }

    /** The event stream ended: answer nothing from memory until it is back. */
    public void lost() {
        following = false;
    }

    boolean isFollowed() {
        return following;
    }

    /** How many changes it has been told of: for tests. */
    long changes() {
        return changes.get();
    }

    /** An image event arrived. */
    public void changed() {
        changes.incrementAndGet();
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
                        List.of(Objects.requireNonNullElse(image.getRepoDigests(), new String[0])));
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
