package dev.dockstep.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.check.Verifier;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.LessonLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instructor's numbers on a real SQLite file, with the clock where each case needs it. */
class ClassReportTest {
    private static final Catalog CATALOG = new LessonLoader(Verifier.ARGUMENTS).load(Path.of("src/test/resources/fixtures/lessons"));
    private static final long MINUTE = 60_000;
    private static final String FAILED = "{\"learner\":\"%s\",\"passed\":false,\"checks\":[{\"check\":\"image x\","
            + "\"status\":\"passed\",\"reason\":\"fine\"},{\"check\":\"same-image a b\",\"status\":\"failed\","
            + "\"reason\":\"%s\",\"hint\":\"Try.\"}]}";

    @TempDir
    Path dir;
    private ProgressStore store;

    @BeforeEach
    void open() {
        store = ProgressStore.open("jdbc:sqlite:" + dir.resolve("progress.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ClassReport at(long millis) {
        return new ClassReport(store, Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
    }

    private static List<String> learners(String... names) {
        return List.of(names);
    }

    private void fail(String learner, String lesson, String step, String reason, long at) {
        store.recordAttempt(learner, "hub", lesson, step, false, FAILED.formatted(learner, reason), at);
    }

    @Test
    void stuck_means_tried_and_not_passed_for_a_while_on_the_step_where_the_learner_is() {
        long start = 1_000_000;
        fail("alice", "tag", "tag-the-image", "`a` is missing.", start);
        // bob tried the same step, then went on to another lesson and passed a step there.
        fail("bob", "tag", "tag-the-image", "`a` is missing.", start);
        store.recordAttempt("bob", "hub", "basics", "read-this", true, "{}", start + MINUTE);
        // carol's step passed live, with no click; she has not tried the next one.
        store.recordLivePass("carol", "hub", "tag", "tag-the-image", "{\"live\":true}", start);

        ClassReport.Report early = at(start + ClassReport.STUCK_AFTER.toMillis() - MINUTE).build(CATALOG,
                learners("alice", "bob", "carol"));
        assertFalse(early.grid().get("alice").get("hub/tag/tag-the-image").stuck(), "not yet for a while");

        ClassReport.Report later = at(start + Duration.ofMinutes(30).toMillis()).build(CATALOG,
                learners("alice", "bob", "carol"));
        assertTrue(later.grid().get("alice").get("hub/tag/tag-the-image").stuck());
        assertFalse(later.grid().get("bob").get("hub/tag/tag-the-image").stuck(), "bob moved on");
        ClassReport.Funnel tag = later.funnel().stream().filter(f -> f.step().step().equals("tag-the-image"))
                .findFirst().orElseThrow();
        assertEquals(3, tag.reached());
        assertEquals(1, tag.passed());
        assertEquals(1, tag.stuck(), "only alice, not everyone who reached it and did not pass");
        assertEquals("stuck", later.lessonGrid().get("alice").get("hub/tag").status());
        assertEquals("started", later.lessonGrid().get("bob").get("hub/tag").status());
        assertEquals("hub/basics/read-this", later.at().get("bob"));

        ClassReport.Cell carol = later.grid().get("carol").get("hub/tag/tag-the-image");
        assertEquals(new ClassReport.Cell("passed", 0, true, false, null), carol, "a live pass is no attempt");
        assertEquals(new ClassReport.LessonFunnel(later.lessons().get(1), 3, 0, 1), later.lessonFunnel().get(1));
    }

    @Test
    void steps_carry_short_titles_numbered_by_lesson_and_step() {
        ClassReport.Report report = at(0).build(CATALOG, learners());
        assertEquals(List.of("1.1", "1.2", "2.1", "2.2"), report.steps().stream().map(ClassReport.StepKey::label).toList());
        assertEquals("Tag it · Tag the image", report.steps().get(2).title());
        assertEquals("Tag the image", report.steps().get(2).shortTitle());
        assertEquals("Publish a latest tag for…", ClassReport.shorten("Publish a latest tag for the frontend"));
    }

    @Test
    void the_csv_follows_course_order_and_gives_each_learners_last_failure() {
        // Written out of course order: the export must not follow the database's order.
        store.recordAttempt("alice", "hub", "tag", "log-in", false, FAILED.formatted("alice", "Not logged in."), 10);
        fail("alice", "tag", "tag-the-image", "`x:1` is image 1, but `y:1` points at `z:1` (image 2).", 20);
        fail("alice", "tag", "tag-the-image", "`x:1` is not among your images.", 30);
        store.recordAttempt("alice", "hub", "tag", "tag-the-image", true, "{}", 40);
        store.recordAttempt("alice", "hub", "basics", "read-this", true, "{}", 50);
        store.recordLivePass("bob", "hub", "tag", "tag-the-image", "{}", 60);
        String csv = at(100).csv(CATALOG, learners("bob", "alice"));
        assertEquals("""
                learner,course,lesson,step,status,attempts,first_attempt_at,passed_at,last_failure
                bob,hub,tag,tag-the-image,passed,0,,1970-01-01T00:00:00.060Z,
                alice,hub,basics,read-this,passed,1,1970-01-01T00:00:00.050Z,1970-01-01T00:00:00.050Z,
                alice,hub,tag,tag-the-image,passed,3,1970-01-01T00:00:00.020Z,1970-01-01T00:00:00.040Z,x:1 is not among your images.
                alice,hub,tag,log-in,attempted,1,1970-01-01T00:00:00.010Z,,Not logged in.
                """, csv);
    }

    @Test
    void a_learners_detail_has_every_step_in_course_order_with_tries_and_latest_verdict() {
        fail("alice", "tag", "tag-the-image", "`x:1` is not among your images.", 10 * MINUTE);
        fail("alice", "tag", "tag-the-image", "`x:1` is image 1, but `y:1` points at `z:1` (image 2).", 11 * MINUTE);
        ClassReport report = at(30 * MINUTE);
        assertTrue(report.learner(CATALOG, learners("alice"), "nobody").isEmpty());
        ClassReport.LearnerReport alice = report.learner(CATALOG, learners("alice"), "alice").orElseThrow();
        assertEquals(List.of("Basics", "Tag it"), alice.lessons().stream().map(l -> l.lesson().title()).toList());
        ClassReport.StepDetail tag = alice.lessons().get(1).steps().get(0);
        assertEquals("2.1", tag.step().label());
        assertEquals(2, tag.cell().attempts());
        assertTrue(tag.cell().stuck());
        assertEquals(10 * MINUTE, tag.firstAttemptAt());
        assertEquals(11 * MINUTE, tag.lastAttemptAt());
        assertNull(tag.passedAt());
        assertEquals(List.of(new ClassReport.CheckLine("image x", "passed", "fine"),
                new ClassReport.CheckLine("same-image a b", "failed", "`x:1` is image 1, but `y:1` points at `z:1` (image 2).")),
                tag.lastChecks());
        assertEquals("2.1", alice.at().label());
        assertNull(alice.lessons().get(0).steps().get(0).cell(), "not reached");
    }
}
