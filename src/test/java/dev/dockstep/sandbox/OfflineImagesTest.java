package dev.dockstep.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OfflineImagesTest {
    @Test
    void the_same_name_gives_the_same_archive_in_every_run() {
        // A fixed digest, not a comparison within one run: map ordering that changes between
        // JVM runs once gave every start a new image ID.
        assertEquals(GOLDEN_BACKEND, OfflineImages.sha256(OfflineImages.archive("backend:0.1")));
        assertNotEquals(GOLDEN_BACKEND, OfflineImages.sha256(OfflineImages.archive("frontend:0.1")));
    }

    @Test
    void a_reference_without_a_tag_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> OfflineImages.archive("backend"));
        assertThrows(IllegalArgumentException.class, () -> OfflineImages.archive("Backend:0.1"));
    }

    private static final String GOLDEN_BACKEND = "0db2e8d9c2ee1df6e9365ef43a414abd231aace8d698379631fa4db75105c0fa";
}
