package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.App;
import dev.dockstep.harness.Browser;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** An author edits a lesson under {@code serve --watch}; the open page shows the edit by itself. */
class LessonWatchE2E {
    private static Path dir;
    private static Path lesson;
    private static TestApp server;
    private static App app;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        dir = dev.dockstep.harness.TestApp.dataFolder("ds-watch-");
        Path course = Files.createDirectories(dir.resolve("lessons/hub"));
        Files.copy(ServerIT.LESSONS.resolve("hub/index.md"), course.resolve("index.md"));
        lesson = Files.copy(ServerIT.LESSONS.resolve("hub/01-tag.md"), course.resolve("01-tag.md"));
        server = TestApp.start(dir.resolve("lessons"), config -> config.withWatch(true));
        app = server.app();
        browser = Browser.start();
        Browser.signUp(browser, "http://localhost:" + app.port(), "author", "author-password");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        RealDocker.deleteTree(dir);
    }

    @Test
    void a_saved_edit_shows_in_the_open_page_by_itself_and_a_broken_one_keeps_the_last_good_text() throws Exception {
        // The broken edit's error is for instructors to see; "author" is one from the start.
        assertEquals(0, dev.dockstep.harness.DockstepProcess.run(Map.of(), "instructor", "add", "author", "--data",
                server.data().toString()).exitCode());
        browser.get("http://localhost:" + app.port() + "/courses/hub/tag");
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> d.findElement(By.cssSelector("h1")).isDisplayed());
        Browser.awaitLive(browser);

        Files.writeString(lesson, Files.readString(lesson).replace("Intro with", "Freshly edited intro with"));
        // The page reloads itself; an element read during the reload is stale, so look again. The
        // target is a second (the bench's business); five leaves room for a busy CI machine.
        new WebDriverWait(browser, Duration.ofSeconds(5)).ignoring(StaleElementReferenceException.class).until(
                d -> d.findElement(By.cssSelector(".intro")).getText().startsWith("Freshly edited intro"));

        Files.writeString(lesson, Files.readString(lesson).replace("image {{repo}}", "imagee {{repo}}"));
        // Wait until the server has read the broken edit: the catalog shows it to instructors.
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> {
            d.get("http://localhost:" + app.port() + "/");
            return !d.findElements(By.cssSelector(".unavailable")).isEmpty();
        });
        assertTrue(browser.findElement(By.cssSelector(".unavailable")).getText().contains("unknown check kind 'imagee'"),
                browser.getPageSource());
        Browser.screenshot(browser, "catalog-with-unavailable-lesson");
        browser.get("http://localhost:" + app.port() + "/courses/hub/tag");
        assertTrue(browser.findElement(By.cssSelector(".intro")).getText().startsWith("Freshly edited intro"),
                "the last good version keeps serving");
    }
}
