package dev.dockstep.lesson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.check.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveCatalogTest {
    @TempDir
    Path root;

    @Test
    void a_saved_lesson_is_loaded_again_and_a_broken_edit_keeps_the_last_good_version() throws Exception {
        Path course = Files.createDirectories(root.resolve("hub"));
        Files.writeString(course.resolve("index.md"), "---\ntitle: Hub\n---\n");
        Path lesson = course.resolve("01-tag.md");
        Files.writeString(lesson, "---\ntitle: First title\n---\n## Step\n```check\nimage a\n```\n");
        try (LiveCatalog catalog = new LiveCatalog(root, Verifier.ARGUMENTS)) {
            assertEquals("First title", catalog.get().lesson("hub", "tag").orElseThrow().title());
            CountDownLatch reloaded = new CountDownLatch(1);
            catalog.onChange(reloaded::countDown);
            catalog.watch();

            Files.writeString(lesson, "---\ntitle: Second title\n---\n## Step\n```check\nimage a\n```\n");
            assertTrue(reloaded.await(5, TimeUnit.SECONDS), "no reload after a save");
            assertEquals("Second title", catalog.get().lesson("hub", "tag").orElseThrow().title());

            CountDownLatch broken = new CountDownLatch(1);
            catalog.onChange(broken::countDown);
            Files.writeString(lesson, "---\ntitle: Broken\n---\n## Step\n```check\nimagee a\n```\n");
            assertTrue(broken.await(5, TimeUnit.SECONDS), "no reload after a broken save");
            assertEquals("Second title", catalog.get().lesson("hub", "tag").orElseThrow().title(),
                    "the last good version keeps serving");
            assertTrue(catalog.get().problems().stream().anyMatch(p -> p.message().startsWith("unknown check kind 'imagee'")),
                    catalog.get().problems().toString());
        }
    }

    @Test
    void a_broken_lesson_with_no_good_version_is_left_out() throws Exception {
        Path course = Files.createDirectories(root.resolve("hub"));
        Files.writeString(course.resolve("index.md"), "---\ntitle: Hub\n---\n");
        Files.writeString(course.resolve("01-bad.md"), "---\ntitle: Bad\n---\nno steps\n");
        try (LiveCatalog catalog = new LiveCatalog(root, Verifier.ARGUMENTS)) {
            catalog.reload();
            assertTrue(catalog.get().lesson("hub", "bad").isEmpty());
            assertTrue(catalog.get().hasErrors());
        }
    }
}
